import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServedManifest } from '../actions/manifest.js';
import { triggers } from '../connector/events/triggers.js';
import { localizedConnectionSchema } from '../connector/i18n/connection-texts.js';
import { LOCALES, type Locale } from '../connector/locales.js';
import { readSchema } from '../schemas/validator.js';

/**
 * GET /manifest: manifest.json with every schema inlined, each bundled into one document that
 * standard form generators render (design.md "Embedding and operations"): every `$ref` a JSON
 * pointer into the document itself, and the options Envoi offers spelled out.
 */

/** The package's root (where manifest.json is): the repository, or the installed package. */
export const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'manifest.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
})();

/** File names of the other schemas a schema `$ref`s (e.g. "calendar-event.schema.json#/…"). */
function externalRefs(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => externalRefs(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && /^[\w.-]+\.schema\.json/.test(v)) found.add(v.split('#')[0]!);
      else externalRefs(v, found);
    }
  }
  return found;
}

/**
 * Rewrites the `$ref`s of a schema read from `own` into pointers from the bundle's root, where
 * schema `f` sits at `#/$defs/<f>` (the root file at `#`). Many generators (@rjsf among them)
 * resolve only such pointers, and never against an embedded resource's `$id`.
 */
function rewriteRefs(node: unknown, own: string, rootFile: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, own, rootFile));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => {
      if (k !== '$ref' || typeof v !== 'string') return [k, rewriteRefs(v, own, rootFile)];
      const [file, fragment = ''] = v.split('#') as [string, string?];
      const target = file || own;
      return [k, target === rootFile ? `#${fragment}` : `#/$defs/${target}${fragment}`];
    }),
  );
}

/**
 * Form options Envoi knows (design.md): a field annotated `"x-envoi-options": "locales"` is
 * offered as an `enum` of the system mails' languages. The API still accepts regional tags such
 * as fr-CA (the validation schema keeps its pattern); the form offers only the six.
 */
function withOptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withOptions);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withOptions(v)])) as Record<string, unknown>;
  if (out['x-envoi-options'] === 'locales') out.enum = [...LOCALES];
  return out;
}

/**
 * A schema with every schema it references embedded under `$defs` by file name, as one plain
 * document: the embedded schemas lose `$schema` and `$id` (an `$id` would rebase their pointers,
 * and two forms embedding the same `$id` clash in one ajv instance), and every `$ref` becomes a
 * pointer from the root.
 */
export function bundledSchema(file: string): Record<string, unknown> {
  const root = readSchema(file);
  const embedded: Record<string, unknown> = {};
  const queue = [...externalRefs(root)];
  while (queue.length) {
    const f = queue.shift()!;
    if (embedded[f] || f === file) continue;
    const { $schema: _s, $id: _i, ...s } = readSchema(f);
    queue.push(...externalRefs(s));
    embedded[f] = rewriteRefs(s, f, file);
  }
  const body = rewriteRefs(root, file, file) as Record<string, unknown>;
  const bundled = Object.keys(embedded).length ? { ...body, $defs: { ...(body.$defs as object), ...embedded } } : body;
  return withOptions(bundled) as Record<string, unknown>;
}

/** The manifest with every `schemas/…` reference replaced by the (bundled) schema itself. */
export function inlinedManifest(root: string = ROOT): ServedManifest {
  const inline = (v: unknown): unknown => {
    if (typeof v === 'string' && /^schemas\/[\w.-]+\.json$/.test(v)) return bundledSchema(path.basename(v));
    if (Array.isArray(v)) return v.map(inline);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inline(x)]));
    return v;
  };
  const served = inline(JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'))) as ServedManifest;
  // The providers are the connection schema's, composed from connector/providers/ (a test keeps
  // the registry equal to them), so adding one touches its folder and the registry line only.
  const schema = served.connector.settingsSchema as { properties: { provider: { enum: string[] } } };
  served.connector.providers = schema.properties.provider.enum;
  // One trigger per event type, with the schema of its data (connector/events/triggers.ts).
  served.triggers = triggers();
  return served;
}

/** The manifest with the connection form's texts (the settings schema's) in `locale`. */
export function localizedManifest(served: ServedManifest, locale: Locale): ServedManifest {
  return locale === 'en' ? served : { ...served, connector: { ...served.connector, settingsSchema: localizedConnectionSchema(served.connector.settingsSchema, locale) } };
}
