import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { manifestActions, type Manifest } from '../../actions/manifest.js';

const read = (): Manifest => JSON.parse(fs.readFileSync(path.resolve('manifest.json'), 'utf8')) as Manifest;

describe('manifest.json lists exactly the actions of actions/registry.ts', () => {
  it('the same actions, in registry order, with the same key, version, title, description and schemas, and nothing else', () => {
    // On failure: copy the registry's definitions (actions/*.ts) into manifest.json's "actions".
    expect(read().actions, 'manifest.json "actions" drifted from actions/registry.ts').to.deep.equal(manifestActions());
  });
});
