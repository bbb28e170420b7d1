import type { SchemaFile } from './define.js';
import { ACTIONS } from './registry.js';

/**
 * An action as manifest.json lists it (design.md, "Actions"). `S` is how a schema appears: a
 * path (`schemas/send-email.input.schema.json`) in the file, the schema itself once GET
 * /manifest has inlined it.
 */
export interface ManifestAction<S = `schemas/${SchemaFile}`> {
  key: string;
  version: number;
  title: string;
  description: string;
  inputSchema: S;
  outputSchema: S;
}

/** The plugin manifest the host builder reads; the admin page reads the served form. */
export interface Manifest<S = `schemas/${SchemaFile}`> {
  id: string;
  name: string;
  description: string;
  version: string;
  hostApi: string;
  /** The `x-envoi*` keywords the schemas use: annotations a host declares to compile them under ajv's strict mode (schemas/validator.ts VOCABULARY). */
  vocabulary: { annotations: string[] };
  connector: { key: string; title: string; settingsSchema: S; supportsDefault: boolean; supportsTest: boolean; providers?: string[] };
  actions: Array<ManifestAction<S>>;
}

/** manifest.json as GET /manifest serves it: every schema path replaced by the (bundled) schema. */
export type ServedManifest = Manifest<Record<string, unknown>> & { connector: { providers: string[] }; triggers?: Array<{ key: string; title: string; description: string; dataSchema: Record<string, unknown> }> };

/** The manifest's action list as the registry defines it; manifest.json must equal it (a test checks). */
export function manifestActions(): ManifestAction[] {
  return [...ACTIONS.values()].map((a) => ({
    key: a.key,
    version: a.version,
    title: a.title,
    description: a.description,
    inputSchema: `schemas/${a.inputSchema}`,
    outputSchema: `schemas/${a.outputSchema}`,
  }));
}
