// Composes schemas/connection.schema.json from schemas/connection-common.json and each provider
// folder's settings.schema.json (design.md "Providers"), so adding a provider is its folder and its
// registry line: the connection schema, its provider enum, the generated types and the admin form
// follow. Run by scripts/schema-types.mjs before the types are generated.
//
// The result keeps every field a top-level property (design.md "A connection") and adds one oneOf
// alternative per provider, told apart by a `provider` const, holding that provider's own
// definitions (labels, help, sections) and its required fields.
import fs from 'node:fs';
import path from 'node:path';
import { differences, LANGUAGES, otherTexts, readWords, translated } from './schema-texts.mjs';

const root = path.resolve(import.meta.dirname, '..');
const providersDir = path.join(root, 'connector', 'providers');

/** Keys that only annotate (labels, help, form layout): ignored when two providers share a field. */
const ANNOTATION = /^(title|description|examples|default|\$comment|x-envoi)$/;
const bare = (def) => JSON.stringify(Object.fromEntries(Object.entries(def).filter(([k]) => !ANNOTATION.test(k))));

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
/** Where the translations of a schema part sit: beside it, `.i18n.json` for `.schema.json` or `.json`. */
const wordsFile = (schemaFile) => schemaFile.replace(/(\.schema)?\.json$/, '.i18n.json');
const COMMON = path.join(root, 'schemas', 'connection-common.json');

/** A schema part in `lang` (its translated texts in place; English without `lang`). */
function schemaPart(file, lang) {
  const schema = readJson(file);
  return lang ? translated(schema, readWords(wordsFile(file))[lang], path.relative(root, wordsFile(file))) : schema;
}

/**
 * The provider folders that hold a settings schema, the default provider first, then by key; with
 * `lang`, each schema's texts in that language. `file` is the schema's path.
 */
export function providerFragments(lang) {
  const list = fs
    .readdirSync(providersDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(providersDir, d.name, 'settings.schema.json')))
    .map((d) => {
      const file = path.join(providersDir, d.name, 'settings.schema.json');
      return { key: d.name, file, schema: schemaPart(file, lang) };
    });
  const defaults = list.filter((p) => p.schema['x-envoi']?.default === true);
  if (defaults.length !== 1) throw new Error(`Exactly one provider's settings.schema.json must say "x-envoi": {"default": true} (found ${defaults.length})`);
  return list.sort((a, b) => (b.schema['x-envoi']?.default === true) - (a.schema['x-envoi']?.default === true) || a.key.localeCompare(b.key));
}

/** The composed connection schema; with `lang`, its texts in that language. */
export function composeConnectionSchema(lang) {
  const common = schemaPart(COMMON, lang);
  const fragments = providerFragments(lang);
  const defaultKey = fragments[0].key;

  // Provider fields, in folder order; a field two providers share (an API key, a region) is
  // checked at the top level by either definition and, in the provider's alternative, by its own.
  const shared = new Map();
  for (const { key, schema } of fragments) {
    for (const [name, def] of Object.entries(schema.properties ?? {})) {
      if (name in common.properties) throw new Error(`${key}: "${name}" is a common connection field`);
      const seen = shared.get(name) ?? [];
      if (!seen.some((d) => bare(d) === bare(def))) seen.push(def);
      shared.set(name, seen);
    }
  }
  const topLevel = (defs) => {
    const strip = (d) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'x-envoi'));
    if (defs.length === 1) return strip(defs[0]);
    // A secret stays write-only whichever provider's definition matched.
    const writeOnly = defs.every((d) => d.writeOnly === true) ? { writeOnly: true } : {};
    return { ...writeOnly, anyOf: defs.map((d) => Object.fromEntries(Object.entries(strip(d)).filter(([k]) => !ANNOTATION.test(k)))) };
  };

  const properties = {};
  for (const [name, def] of Object.entries(common.properties)) {
    properties[name] = name === 'provider' ? { ...def, enum: fragments.map((f) => f.key), default: defaultKey } : def;
    if (name === 'fallback') for (const [field, defs] of shared) properties[field] = topLevel(defs);
  }
  // The view's flags for extra secrets sit beside hasSecret (read-only, as the view shows them).
  for (const flag of extraSecretFlags(fragments)) properties[flag] = { type: 'boolean', readOnly: true, description: 'Whether this secret is stored (it is never shown).' };
  const oneOf = fragments.map(({ key, schema }) => ({
    title: schema.title,
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema['x-envoi'] ? { 'x-envoi': schema['x-envoi'] } : {}),
    properties: { provider: { const: key }, ...schema.properties },
    required: [...(key === defaultKey ? [] : ['provider']), ...(schema.required ?? [])],
  }));
  const { $comment: _, ...head } = common;
  return { ...head, properties, oneOf };
}

/**
 * The write-only fields of every provider: the secrets a connection may store. A nested one (a
 * bounce mailbox's password) is named by its path joined: bounceMailbox.password → bounceMailboxPassword.
 */
export function secretFields(schema) {
  const out = [];
  for (const [name, d] of Object.entries(schema.properties)) {
    if (d.writeOnly === true) out.push(name);
    for (const [inner, n] of Object.entries(d.properties ?? {})) if (n.writeOnly === true) out.push(name + inner[0].toUpperCase() + inner.slice(1));
  }
  return out;
}

/** The secrets besides a provider's main one (`x-envoi.extraSecret`, or nested): the view shows `has<Field>` for each. */
function extraSecretFlags(fragments) {
  const flags = new Set();
  for (const { schema } of fragments) {
    for (const [name, d] of Object.entries(schema.properties ?? {})) {
      if (d.writeOnly === true && d['x-envoi']?.extraSecret === true) flags.add(name);
      for (const [inner, n] of Object.entries(d.properties ?? {})) if (n.writeOnly === true) flags.add(name + inner[0].toUpperCase() + inner.slice(1));
    }
  }
  return [...flags].map((f) => `has${f[0].toUpperCase()}${f.slice(1)}`);
}

/** Writes schemas/connection.schema.json; returns the schema. */
export function writeConnectionSchema() {
  const schema = composeConnectionSchema();
  fs.writeFileSync(path.join(root, 'schemas', 'connection.schema.json'), JSON.stringify(schema, null, 2) + '\n');
  return schema;
}

/**
 * Writes schemas/connection.i18n.json, what the server localizes with (connector/i18n/connection-texts.ts):
 * per language, `schema` (JSON Pointer into the composed schema → text) and `texts` (the presets'
 * and warnings' paths → text) gathered from every `.i18n.json` beside the schema parts.
 */
export function writeConnectionI18n() {
  const english = composeConnectionSchema();
  const files = [COMMON, ...providerFragments().map((f) => f.file)].map(wordsFile);
  const out = {};
  for (const lang of LANGUAGES) {
    const texts = {};
    for (const file of files) {
      for (const [p, text] of Object.entries(otherTexts(readWords(file)[lang]))) {
        if (p in texts) throw new Error(`${path.relative(root, file)}: ${lang} ${p} is translated in another file too`);
        texts[p] = text;
      }
    }
    out[lang] = { schema: differences(english, composeConnectionSchema(lang)), texts };
  }
  fs.writeFileSync(path.join(root, 'schemas', 'connection.i18n.json'), JSON.stringify(out, null, 1) + '\n');
  return out;
}
