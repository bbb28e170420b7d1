// The human texts of the connection schema's parts (a provider's settings.schema.json,
// schemas/connection-common.json) and their translations (issue #17). English stays in the schema;
// each other language sits beside it in a `.i18n.json` file: language → path → text, where the
// path of a schema text is its JSON Pointer in that file (RFC 6901), and a preset's or a
// warning's text is `presets/<id>/<label|note|reason>` or `warnings/<key>/<message|hint|fix>`.
import fs from 'node:fs';

/** The languages translated (English is the schema's own). connector/locales.ts lists the same six. */
export const LANGUAGES = ['fr', 'de', 'nl', 'pt', 'ru'];

/** Keys whose string value is read by people: labels, help, hints, section titles, placeholders. */
const TEXT_KEYS = new Set(['title', 'description', 'text', 'placeholder']);
/** Objects whose every string value is read by people: an enum's readable names, the list's summary. */
const TEXT_OBJECTS = new Set(['enumLabels', 'summary']);

const escape = (key) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (part) => part.replace(/~1/g, '/').replace(/~0/g, '~');

/** Every human text of a schema: [JSON Pointer, text], in document order. */
export function textsOf(node, pointer = '', key = '', parentKey = '') {
  if (typeof node === 'string') return TEXT_KEYS.has(key) || TEXT_OBJECTS.has(parentKey) ? [[pointer, node]] : [];
  if (!node || typeof node !== 'object' || key === '$comment') return [];
  return Object.entries(node).flatMap(([k, v]) => textsOf(v, `${pointer}/${escape(k)}`, Array.isArray(node) ? key : k, Array.isArray(node) ? parentKey : key));
}

/** A `.i18n.json` file (language → path → text); none is no translation. An unknown language throws. */
export function readWords(file) {
  if (!fs.existsSync(file)) return {};
  const words = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const lang of Object.keys(words)) if (!LANGUAGES.includes(lang)) throw new Error(`${file}: "${lang}" is none of the languages ${LANGUAGES.join(', ')}`);
  return words;
}

/**
 * The schema with the texts of `words` (path → text) in place of its English. A pointer that names
 * no text of the schema throws, so a translation cannot outlive the text it translates.
 */
export function translated(schema, words, file) {
  const copy = structuredClone(schema);
  const texts = new Set(textsOf(schema).map(([p]) => p));
  for (const [path, text] of Object.entries(words ?? {})) {
    if (!path.startsWith('/')) continue;
    if (!texts.has(path)) throw new Error(`${file}: ${path} names no text of its schema`);
    const parts = path.slice(1).split('/').map(unescape);
    const last = parts.pop();
    parts.reduce((n, p) => n[p], copy)[last] = text;
  }
  return copy;
}

/** The texts of `words` that are not the schema's: presets' and warnings' (path → text). */
export const otherTexts = (words) => Object.fromEntries(Object.entries(words ?? {}).filter(([p]) => !p.startsWith('/')));

/** Where two documents of the same shape differ: JSON Pointer → the second's string. */
export function differences(a, b, pointer = '', out = {}) {
  if (typeof a === 'string') {
    if (a !== b) out[pointer] = b;
  } else if (a && typeof a === 'object') {
    for (const [k, v] of Object.entries(a)) differences(v, b[k], `${pointer}/${escape(k)}`, out);
  }
  return out;
}
