import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { LOCALES } from '../../connector/locales.js';
import { VOCABULARY } from '../../schemas/validator.js';
import { TestEnvoi } from '../support/harness.js';

/**
 * The served manifest as a host's form generator reads it (design.md "Embedding and operations",
 * issue #14): strict ajv with only the declared vocabulary, standard formats, `$ref`s that resolve
 * inside each document, no default that opens an optional object, option sources, and a title and
 * description on every action field.
 */

type Schema = Record<string, any>;
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;

// JSON Schema 2020-12 Validation §7.3: the formats a standard validator knows.
const STANDARD_FORMATS = new Set(['date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6', 'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex']);

/** Every object node of a schema with its pointer (enum/const/default/examples hold data, not schemas). */
function nodes(node: unknown, at = ''): Array<{ at: string; node: Schema }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => nodes(n, `${at}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const below = Object.entries(node).filter(([k]) => !['enum', 'const', 'default', 'examples'].includes(k)).flatMap(([k, v]) => nodes(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return [{ at, node: node as Schema }, ...below];
}

function pointer(doc: Schema, ref: string): Schema | undefined {
  let n: any = doc;
  for (const part of ref.replace(/^#/, '').split('/').filter(Boolean)) n = n?.[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
  return n && typeof n === 'object' ? n : undefined;
}

/** A node with its `$ref` followed (siblings win), as form generators merge them. */
const deref = (doc: Schema, s: Schema): Schema => (typeof s.$ref === 'string' ? { ...deref(doc, pointer(doc, s.$ref) ?? {}), ...s } : s);

describe('manifest: schemas a standard form generator takes (strict ajv, refs, defaults, options, labels)', () => {
  let envoi: TestEnvoi;
  let manifest: Schema;
  let schemas: Array<[string, Schema]>;
  before(async () => {
    envoi = await new TestEnvoi().start();
    manifest = (await envoi.api('GET', '/api/v1/manifest')).body;
    schemas = [['connection', manifest.connector.settingsSchema], ...manifest.actions.flatMap((a: Schema) => [[`${a.key} input`, a.inputSchema], [`${a.key} output`, a.outputSchema]])];
  });
  after(() => envoi.stop());

  it('lists its annotation keywords under vocabulary (the ones Envoi\'s ajv declares), and uses no other x- keyword', () => {
    expect(manifest.vocabulary.annotations).to.deep.equal([...VOCABULARY]);
    const used = new Set(schemas.flatMap(([, s]) => nodes(s).flatMap(({ node }) => Object.keys(node).filter((k) => k.startsWith('x-')))));
    expect([...used].filter((k) => !manifest.vocabulary.annotations.includes(k))).to.deep.equal([]);
  });

  it('every schema compiles under ajv strict mode with only the vocabulary added and ajv-formats', () => {
    for (const [name, schema] of schemas) {
      const ajv = new Ajv2020({ strict: true });
      addFormats(ajv);
      for (const k of manifest.vocabulary.annotations) ajv.addKeyword(k);
      expect(() => ajv.compile(schema), name).not.to.throw();
    }
    // The same ajv without the vocabulary refuses them: the declaration is what makes them compile.
    const bare = addFormats(new Ajv2020({ strict: true }));
    expect(() => bare.compile(manifest.connector.settingsSchema)).to.throw(/unknown keyword: "x-envoi/);
  });

  it('uses only standard formats', () => {
    const formats = new Set(schemas.flatMap(([, s]) => nodes(s).map(({ node }) => node.format).filter((f): f is string => typeof f === 'string')));
    expect([...formats].filter((f) => !STANDARD_FORMATS.has(f))).to.deep.equal([]);
  });

  it('every $ref is a pointer into its own document that resolves there', () => {
    for (const [name, schema] of schemas) {
      for (const { at, node } of nodes(schema).filter(({ node }) => typeof node.$ref === 'string')) {
        expect(node.$ref, `${name} ${at}`).to.match(/^#(\/|$)/);
        expect(pointer(schema, node.$ref), `${name} ${at} → ${node.$ref}`).to.be.an('object');
      }
      // Embedded schemas carry no $id: it would rebase their pointers away from the root.
      const ids = nodes(schema).filter(({ at, node }) => at !== '' && node.$id !== undefined);
      expect(ids.map(({ at }) => at), name).to.deep.equal([]);
    }
  });

  it('no default sits inside an optional object (a form would open it and then demand its required fields)', () => {
    const defaultsBelow = (doc: Schema, s: Schema, at: string, seen = 0): string[] => {
      const r = deref(doc, s);
      if (seen > 8 || !r.properties) return [];
      return Object.entries(r.properties as Record<string, Schema>).flatMap(([k, p]) => {
        const d = deref(doc, p);
        return [...(d.default !== undefined ? [`${at}/${k}`] : []), ...defaultsBelow(doc, d, `${at}/${k}`, seen + 1)];
      });
    };
    for (const a of manifest.actions as Schema[]) {
      const root = deref(a.inputSchema, a.inputSchema);
      for (const [key, prop] of Object.entries(root.properties as Record<string, Schema>)) {
        if ((root.required ?? []).includes(key)) continue;
        expect(defaultsBelow(a.inputSchema, prop, `/${key}`), `${a.key} /${key}`).to.deep.equal([]);
      }
    }
  });

  it('connection fields name their option source; system mails offer the six languages', () => {
    for (const a of manifest.actions as Schema[]) {
      const props = deref(a.inputSchema, a.inputSchema).properties ?? {};
      if (props.connection) expect(deref(a.inputSchema, props.connection)['x-envoi-options'], a.key).to.equal('connections');
      if (props.locale) expect(deref(a.inputSchema, props.locale).enum, a.key).to.deep.equal([...LOCALES]);
    }
    const keys = (manifest.actions as Schema[]).filter((a) => deref(a.inputSchema, a.inputSchema).properties?.connection).map((a) => a.key);
    expect(keys).to.include.members(['send-email', 'send-invitation', 'send-signup-confirmation']);
  });

  it('every field of every action schema has a title and a description', () => {
    const missing: string[] = [];
    for (const a of manifest.actions as Schema[]) {
      for (const [kind, schema] of [['input', a.inputSchema], ['output', a.outputSchema]] as const) {
        for (const { at, node } of nodes(schema)) {
          if (!node.properties || /\/(if|then|else|dependentSchemas|not)(\/|$)/.test(at)) continue;
          for (const [k, p] of Object.entries(node.properties as Record<string, Schema>)) {
            const d = deref(schema, p);
            if (typeof d.title !== 'string' || typeof d.description !== 'string') missing.push(`${a.key} ${kind} ${at}/properties/${k}`);
          }
        }
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
