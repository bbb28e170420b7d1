import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ACTIONS } from '../../actions/registry.js';
import { TestEnvoi } from '../support/harness.js';

describe('manifest, registry and schemas agree', () => {
  const root = path.resolve('.');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));

  it('every manifest action is a registered action with the same key, version, labels and schemas', () => {
    expect(manifest.actions.map((a: { key: string }) => a.key).sort()).to.deep.equal([...ACTIONS.keys()].sort());
    for (const a of manifest.actions) {
      const def = ACTIONS.get(a.key)!;
      expect(a, a.key).to.deep.include({ version: def.version, title: def.title, description: def.description, inputSchema: `schemas/${def.inputSchema}`, outputSchema: `schemas/${def.outputSchema}` });
    }
  });

  it('every schema the manifest names exists, is draft 2020-12 and has an $id matching its file', () => {
    const files = [manifest.connector.settingsSchema, ...manifest.actions.flatMap((a: { inputSchema: string; outputSchema: string }) => [a.inputSchema, a.outputSchema])];
    for (const f of files) {
      const s = JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
      expect(s.$schema, f).to.equal('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id, f).to.equal(`https://envoi.dev/${f}`);
    }
  });

  it('GET /manifest inlines every schema, with referenced schemas bundled; GET /actions lists the registry', async () => {
    const envoi = await new TestEnvoi().start();
    try {
      const builder = await envoi.key('builder', 'acme');
      const m = await envoi.api('GET', '/api/v1/manifest', undefined, { key: builder });
      const sendEmail = m.body.actions.find((a: { key: string }) => a.key === 'send-email');
      expect(sendEmail.inputSchema.properties.to).to.be.an('object');
      // Embedded as a plain part of the document (no $id to rebase its pointers), referenced from the root.
      expect(sendEmail.inputSchema.$defs['calendar-event.schema.json'].title).to.equal('CalendarEvent');
      expect(sendEmail.inputSchema.properties.calendarEvent.$ref).to.equal('#/$defs/calendar-event.schema.json');
      const list = await envoi.api('GET', '/api/v1/actions', undefined, { key: builder });
      expect(list.body.items.map((a: { key: string }) => a.key).sort()).to.deep.equal([...ACTIONS.keys()].sort());
    } finally {
      await envoi.stop();
    }
  });
});
