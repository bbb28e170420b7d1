import { ACTIONS } from './registry.js';
/** The manifest's action list as the registry defines it; manifest.json must equal it (a test checks). */
export function manifestActions() {
    return [...ACTIONS.values()].map((a) => ({
        key: a.key,
        version: a.version,
        title: a.title,
        description: a.description,
        inputSchema: `schemas/${a.inputSchema}`,
        outputSchema: `schemas/${a.outputSchema}`,
    }));
}
//# sourceMappingURL=manifest.js.map