import fs from 'node:fs';
import { readSchema, SCHEMA_DIR } from '../../schemas/validator.js';

/**
 * The JSON Schemas of schemas/ as OpenAPI components, one per file, named by its `title`
 * (SendEmailInput, EmailConnection, …). OpenAPI 3.1 schema objects are JSON Schema 2020-12
 * (OAS 3.1 §4.8.24), so a schema goes in as it is, with two changes that make the document
 * stand alone: `$id` and `$schema` are dropped, and every `$ref` (to another file, or to the
 * file's own `$defs`) becomes a JSON Pointer into `#/components/schemas/…`. A reader then needs
 * no resolver for envoi.dev URLs, which are names, not places to fetch.
 */

export type Schema = Record<string, unknown>;

/** The component name of a schema file: its title. */
const titles = new Map<string, string>();

/** Every `*.schema.json` of schemas/, by file name. */
function schemaFiles(): string[] {
  return fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();
}

/** The `#/components/schemas/…` pointer that replaces a `$ref` written in `file`. */
function rewriteRef(ref: string, file: string): string {
  const [target, fragment = ''] = ref.split('#');
  const name = titles.get(target || file);
  if (!name) throw new Error(`${file}: $ref "${ref}" names no schema of schemas/`);
  return `#/components/schemas/${name}${fragment}`;
}

function rewrite(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, file));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$id' || k === '$schema') continue;
    out[k] = k === '$ref' && typeof v === 'string' ? rewriteRef(v, file) : rewrite(v, file);
  }
  return out;
}

/** The component name of `schemas/<file>` (e.g. "send-email.input.schema.json" → "SendEmailInput"). */
export function componentOf(file: string): string {
  if (!titles.size) for (const f of schemaFiles()) titles.set(f, String(readSchema(f).title));
  const name = titles.get(file);
  if (!name) throw new Error(`no schema ${file} in schemas/`);
  return name;
}

/** A `$ref` to the component of `schemas/<file>`. */
export const fileRef = (file: string): Schema => ({ $ref: `#/components/schemas/${componentOf(file)}` });

/** Every schema of schemas/ as components, `$ref`s rewritten. */
export function fileComponents(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const f of schemaFiles()) out[componentOf(f)] = rewrite(readSchema(f), f) as Schema;
  return out;
}

/**
 * The connection as responses show it, from the connection schema: its fields less the
 * write-only secrets, plus what only a stored connection has (health, the fallback as
 * `{id, name}`). `additionalProperties: false` makes a leaked secret a schema violation.
 */
export function connectionView(): Schema {
  const conn = readSchema('connection.schema.json') as { properties: Record<string, Schema> };
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(conn.properties)) {
    if (v.writeOnly) continue;
    const { 'x-envoi': _annotation, ...def } = v;
    properties[k] = def;
  }
  properties.fallback = { description: 'The connection that carries the mail when this one fails, or null.', oneOf: [{ $ref: '#/components/schemas/ConnectionRef' }, { type: 'null' }] };
  properties.health = {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['untested', 'ok', 'unhealthy'] },
      lastError: { $ref: '#/components/schemas/Problem' },
      since: { type: 'string', format: 'date-time' },
    },
  };
  return {
    title: 'ConnectionView',
    description: 'A connection as the API shows it: never a secret (hasSecret instead), with health and warnings.',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'scope', 'name', 'provider', 'senderEmail', 'hasSecret', 'isDefault', 'health', 'version', 'createdAt', 'updatedAt', 'warnings', 'fallback'],
    properties,
  };
}

/**
 * What PATCH and POST …/test take: the connection's writable fields, none required (PATCH keeps
 * what it omits; the merged connection is then checked against the full schema).
 */
export function connectionPatch(withId: boolean): Schema {
  const conn = readSchema('connection.schema.json') as { properties: Record<string, Schema> };
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(conn.properties)) if (!v.readOnly) properties[k] = rewrite(v, 'connection.schema.json');
  if (withId) properties.id = { type: 'string', maxLength: 64, description: 'A saved connection whose stored secret fills a secret left out.' };
  properties.fallback = { oneOf: [properties.fallback, { type: 'null' }] };
  return { type: 'object', additionalProperties: false, properties };
}
