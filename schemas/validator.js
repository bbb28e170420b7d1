import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { EnvoiError } from './errors.js';
/**
 * The schemas of `schemas/`, compiled once with ajv (draft 2020-12, allErrors). Validation
 * happens here, at the boundary; code behind it trusts the typed value it gets back.
 */
// The compiled build runs from dist/schemas; the JSON files stay in the source folder.
const here = path.dirname(fileURLToPath(import.meta.url));
export const SCHEMA_DIR = fs.existsSync(path.join(here, 'connection.schema.json')) ? here : path.resolve(here, '..', '..', 'schemas');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;
// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = (formatsPlugin.default ?? formatsPlugin);
function isTimeZone(s) {
    try {
        new Intl.DateTimeFormat('en', { timeZone: s });
        return true;
    }
    catch {
        return false;
    }
}
function createAjv() {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, useDefaults: false });
    addFormats(ajv);
    ajv.addFormat('host', { type: 'string', validate: (s) => HOSTNAME.test(s) || net.isIP(s.replace(/^\[|\]$/g, '')) !== 0 });
    ajv.addFormat('tenant-id', { type: 'string', validate: (s) => GUID.test(s) || (HOSTNAME.test(s) && s.includes('.')) });
    // ISO 8601 date-time with or without an offset (read in the event's time zone), or a date.
    ajv.addFormat('iso-date-time-or-date', {
        type: 'string',
        validate: (s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(/(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/, '$1Z'))),
    });
    ajv.addFormat('time-zone', { type: 'string', validate: (s) => isTimeZone(s) });
    ajv.addKeyword({ keyword: 'x-envoi', schemaType: 'object' });
    return ajv;
}
/** Reads a schema file of `schemas/` as JSON. */
export function readSchema(file) {
    return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8'));
}
const ajv = createAjv();
// Every schema is compiled when this module loads, so a broken schema stops the start, not a request.
// All schemas are added first so one may `$ref` another by file name (resolved against its $id).
const FILES = fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();
const DOCS = new Map(FILES.map((file) => [file, readSchema(file)]));
for (const doc of DOCS.values())
    ajv.addSchema(doc);
const compiled = new Map(FILES.map((file) => [file, ajv.getSchema(String(DOCS.get(file).$id))]));
function compile(file) {
    const fn = compiled.get(file);
    if (!fn)
        throw new Error(`no schema ${file} in ${SCHEMA_DIR}`);
    return fn;
}
/**
 * The errors of a root `oneOf` whose alternatives are told apart by a `const` (the connection's
 * `provider`): only those of the alternative the value chose count. An alternative whose `const`
 * failed, or whose `const` property is missing while required, was not chosen; reporting its
 * errors ("host is required" for a Microsoft 365 connection) would only mislead.
 */
function chosenAlternative(list, schema) {
    const alternatives = (schema?.oneOf ?? []);
    const discriminators = alternatives.map((a) => Object.entries(a.properties ?? {}).filter(([, v]) => v.const !== undefined).map(([k]) => k));
    if (!discriminators.some((d) => d.length))
        return list;
    const branch = (e) => /^#\/oneOf\/(\d+)\//.exec(e.schemaPath)?.[1];
    const rejected = new Set(list
        .filter((e) => {
        const props = discriminators[Number(branch(e))] ?? [];
        if (e.keyword === 'const')
            return props.some((p) => e.instancePath === `/${p}`);
        return e.keyword === 'required' && props.includes(e.params.missingProperty);
    })
        .map(branch));
    return list.filter((e) => branch(e) === undefined || !rejected.has(branch(e)));
}
/** Turns ajv errors into `details` entries a person can read, one per field path. */
export function toDetails(errors, schema) {
    const out = [];
    const list = chosenAlternative(errors ?? [], schema);
    // With oneOf/anyOf alternatives (a string or a list), ajv reports every branch; a "must be
    // array" beside a specific complaint about the string only confuses, so drop bare type
    // mismatches where the same field has another error.
    const specific = new Set(list.filter((e) => e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map((e) => e.instancePath));
    for (const e of list) {
        if (e.keyword === 'type' && specific.has(e.instancePath) && /oneOf|anyOf/.test(e.schemaPath))
            continue;
        // if/then/else and anyOf add a summary error on top of the specific ones; skip it.
        if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf')
            continue;
        let p = e.instancePath || '';
        let message = e.message ?? 'is invalid';
        if (e.keyword === 'required') {
            p = `${p}/${e.params.missingProperty}`;
            message = 'is required';
        }
        else if (e.keyword === 'additionalProperties') {
            p = `${p}/${e.params.additionalProperty}`;
            message = 'is not a known field';
        }
        else if (e.keyword === 'enum') {
            message = `must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
        }
        else if (e.keyword === 'pattern' && /\/attachments\/\d+\/content$/.test(p)) {
            message = 'must be base64: A–Z, a–z, 0–9, + and /, line breaks allowed, at most two "=" at the end';
        }
        else if (e.keyword === 'pattern' && /\/attachments\/\d+\/filename$/.test(p)) {
            message = 'must not contain control characters, bidi marks or overrides (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), "/" or "\\"';
        }
        else if (e.keyword === 'pattern' && /name|user/i.test(p)) {
            message = 'must not contain control characters (line breaks, tabs, …)';
        }
        if (!out.some((d) => d.path === (p || '/') && d.message === message))
            out.push({ path: p || '/', message });
    }
    return out;
}
/**
 * Validates `value` against `schemas/<name>.schema.json` and returns it as that schema's
 * generated type (`validate('connection', body)` is an EmailConnection); throws
 * VALIDATION_FAILED with per-field details. `what` names the value in the message.
 */
export function validate(name, value, what = name.replace(/[-.]/g, ' ')) {
    return validateOrThrow(`${name}.schema.json`, value, what);
}
/** Validates `data` against a schema file named at run time (an action's input schema); throws as validate does. */
export function validateOrThrow(file, data, what) {
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
export function check(file, data) {
    const fn = compile(file);
    const valid = fn(data);
    return { valid, errors: valid ? [] : toDetails(fn.errors, DOCS.get(file)) };
}
//# sourceMappingURL=validator.js.map