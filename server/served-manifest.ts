import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServedManifest } from '../actions/manifest.js';
import { readSchema } from '../schemas/validator.js';

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
 * A schema with every schema it references embedded under `$defs` (a 2020-12 compound document:
 * each embedded resource keeps its `$id`, so the original relative `$ref`s resolve unchanged).
 */
export function bundledSchema(file: string): Record<string, unknown> {
  const root = readSchema(file);
  const embedded: Record<string, unknown> = {};
  const queue = [...externalRefs(root)];
  while (queue.length) {
    const f = queue.shift()!;
    if (embedded[f] || f === file) continue;
    const s = readSchema(f);
    delete s.$schema;
    embedded[f] = s;
    queue.push(...externalRefs(s));
  }
  return Object.keys(embedded).length ? { ...root, $defs: { ...(root.$defs as object), ...embedded } } : root;
}

/** The manifest with every `schemas/…` reference replaced by the (bundled) schema itself. */
export function inlinedManifest(): ServedManifest {
  const inline = (v: unknown): unknown => {
    if (typeof v === 'string' && /^schemas\/[\w.-]+\.json$/.test(v)) return bundledSchema(path.basename(v));
    if (Array.isArray(v)) return v.map(inline);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inline(x)]));
    return v;
  };
  const served = inline(JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'))) as ServedManifest;
  // The providers are the connection schema's, composed from connector/providers/ (a test keeps
  // the registry equal to them), so adding one touches its folder and the registry line only.
  const schema = served.connector.settingsSchema as { properties: { provider: { enum: string[] } } };
  served.connector.providers = schema.properties.provider.enum;
  return served;
}
