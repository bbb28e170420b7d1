import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { CHECKS } from './checks.js';
import { oneOrList, plainMessage } from './error-words.js';
import { EnvoiError, type ErrorDetail } from './errors.js';
import type { SchemaName, SchemaTypes } from './types.js';

/**
 * The schemas of `schemas/`, compiled once with ajv (draft 2020-12, allErrors). Validation
 * happens here, at the boundary; code behind it trusts the typed value it gets back.
 */

// The compiled build runs from dist/schemas; the JSON files stay in the source folder.
const here = path.dirname(fileURLToPath(import.meta.url));
export const SCHEMA_DIR = fs.existsSync(path.join(here, 'connection.schema.json')) ? here : path.resolve(here, '..', '..', 'schemas');

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * The annotation keywords Envoi's schemas use (design.md "Embedding and operations"). GET
 * /manifest lists them under `vocabulary` so a host compiling the schemas under ajv's strict
 * mode declares them (`ajv.addKeyword(k)`): `x-envoi` holds the admin form's layout,
 * `x-envoi-options` says where a field's options come from ("connections", "locales"), and
 * `x-envoi-check` names a check Envoi makes in code beyond the standard formats (schemas/checks.ts).
 */
export const VOCABULARY = ['x-envoi', 'x-envoi-options', 'x-envoi-check'] as const;

interface DataCheck {
  (data: unknown): boolean;
  errors?: Array<Partial<ErrorObject>>;
}

/** Compiles `"x-envoi-check": name` (an unknown name stops the start): it checks strings only, the error carrying the check's message. */
function compileCheck(name: string): DataCheck {
  const c = CHECKS[name];
  if (!c) throw new Error(`x-envoi-check: no check named "${name}" in schemas/checks.ts`);
  const fn: DataCheck = (data) => {
    if (typeof data !== 'string' || c.validate(data)) return true;
    fn.errors = [{ keyword: 'x-envoi-check', message: c.message, params: { check: name } }];
    return false;
  };
  return fn;
}

function createAjv(): Ajv2020 {
  // Strict as a host compiling the manifest would be (design.md): unknown keywords, formats and loose `required`s fail the start.
  const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-envoi', schemaType: 'object' });
  ajv.addKeyword({ keyword: 'x-envoi-options', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-envoi-check', schemaType: 'string', errors: true, compile: compileCheck });
  return ajv;
}

/** Reads a schema file of `schemas/` as JSON. */
export function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
}

const ajv = createAjv();
// Every schema is compiled when this module loads, so a broken schema stops the start, not a request.
// All schemas are added first so one may `$ref` another by file name (resolved against its $id).
const FILES = fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();
const DOCS = new Map(FILES.map((file) => [file, readSchema(file)] as const));
for (const doc of DOCS.values()) ajv.addSchema(doc);
const compiled = new Map<string, ValidateFunction>(FILES.map((file) => [file, ajv.getSchema(String(DOCS.get(file)!.$id))!] as const));

function compile(file: string): ValidateFunction {
  const fn = compiled.get(file);
  if (!fn) throw new Error(`no schema ${file} in ${SCHEMA_DIR}`);
  return fn;
}

/**
 * The errors of a root `oneOf` whose alternatives are told apart by a `const` (the connection's
 * `provider`): only those of the alternative the value chose count. An alternative whose `const`
 * failed, or whose `const` property is missing while required, was not chosen; reporting its
 * errors ("host is required" for a Microsoft 365 connection) would only mislead.
 */
function chosenAlternative(list: ErrorObject[], schema: Record<string, unknown> | undefined): ErrorObject[] {
  const alternatives = (schema?.oneOf ?? []) as Array<{ properties?: Record<string, { const?: unknown }> }>;
  const discriminators = alternatives.map((a) => Object.entries(a.properties ?? {}).filter(([, v]) => v.const !== undefined).map(([k]) => k));
  if (!discriminators.some((d) => d.length)) return list;
  const branch = (e: ErrorObject) => /^#\/oneOf\/(\d+)\//.exec(e.schemaPath)?.[1];
  const rejected = new Set(
    list
      .filter((e) => {
        const props = discriminators[Number(branch(e))] ?? [];
        if (e.keyword === 'const') return props.some((p) => e.instancePath === `/${p}`);
        return e.keyword === 'required' && props.includes((e.params as { missingProperty: string }).missingProperty);
      })
      .map(branch),
  );
  return list.filter((e) => branch(e) === undefined || !rejected.has(branch(e)));
}

/** Turns ajv errors into `details` entries a person can read, one per field path. */
export function toDetails(errors: ErrorObject[] | null | undefined, schema?: Record<string, unknown>): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const list = chosenAlternative(errors ?? [], schema);
  // With oneOf/anyOf alternatives (a string or a list), ajv reports every branch; a "must be
  // array" beside a specific complaint about the string only confuses, so drop bare type
  // mismatches where the same field has another error.
  const specific = new Set(list.filter((e) => e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map((e) => e.instancePath));
  const merged = oneOrList(list);
  for (const e of list) {
    // (A `$ref`'d alternative reports from where it is defined, so its schemaPath need not name the oneOf.)
    if (e.keyword === 'type' && specific.has(e.instancePath)) continue;
    // The list alternative was chosen (an item has an error of its own): "must be string" about the whole only misleads.
    if (e.keyword === 'type' && list.some((o) => o.instancePath.startsWith(`${e.instancePath}/`))) continue;
    // if/then/else and anyOf add a summary error on top of the specific ones; skip it.
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    let p = e.instancePath || '';
    let message = merged.get(e.instancePath) ?? plainMessage(e) ?? e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      p = `${p}/${(e.params as { missingProperty: string }).missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      p = `${p}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not a known field';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'pattern' && /\/attachments\/\d+\/content$/.test(p)) {
      message = 'must be base64: A–Z, a–z, 0–9, + and /, line breaks allowed, at most two "=" at the end';
    } else if (e.keyword === 'pattern' && /\/attachments\/\d+\/filename$/.test(p)) {
      message = 'must not contain control characters, bidi marks or overrides (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), "/" or "\\"';
    } else if (e.keyword === 'pattern' && /\/(start|end)$/.test(p)) {
      message = 'must be an ISO 8601 date-time or date';
    } else if (e.keyword === 'false schema' && /\/dependentSchemas\/([^/]+)\//.test(e.schemaPath)) {
      message = `must not be given with ${/\/dependentSchemas\/([^/]+)\//.exec(e.schemaPath)![1]}`;
    } else if (e.keyword === 'pattern' && /name|user/i.test(p)) {
      message = 'must not contain control characters (line breaks, tabs, …)';
    }
    if (!out.some((d) => d.path === (p || '/') && d.message === message)) out.push({ path: p || '/', message });
  }
  return out;
}

/**
 * Validates `value` against `schemas/<name>.schema.json` and returns it as that schema's
 * generated type (`validate('connection', body)` is an EmailConnection); throws
 * VALIDATION_FAILED with per-field details. `what` names the value in the message.
 */
export function validate<N extends SchemaName>(name: N, value: unknown, what: string = name.replace(/[-.]/g, ' ')): SchemaTypes[N] {
  return validateOrThrow(`${name}.schema.json`, value, what) as SchemaTypes[N];
}

/** Validates `data` against a schema file named at run time (an action's input schema); throws as validate does. */
export function validateOrThrow(file: string, data: unknown, what: string): unknown {
  const fn = compile(file);
  if (!fn(data)) {
    const details = toDetails(fn.errors, DOCS.get(file));
    const first = details[0];
    throw new EnvoiError('VALIDATION_FAILED', `The ${what} is not valid${first ? `: ${first.path.replace(/^\//, '') || 'body'} ${first.message}` : ''}`, {
      details,
    });
  }
  return data;
}

/** Checks without throwing; for the validate endpoints. */
export function check(file: string, data: unknown): { valid: boolean; errors: ErrorDetail[] } {
  const fn = compile(file);
  const valid = fn(data) as boolean;
  return { valid, errors: valid ? [] : toDetails(fn.errors, DOCS.get(file)) };
}
