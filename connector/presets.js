import { PROVIDER_LIST } from './providers/registry.js';
/** The catch-all preset, listed last whatever the registry order (admins look for their service first). */
const CATCH_ALL = 'custom-smtp';
/** Every provider's presets, in registry order (each provider keeps its own in its folder), the catch-all last. */
export const PRESETS = Object.freeze(PROVIDER_LIST.flatMap((p) => p.presets).sort((a, b) => Number(a.id === CATCH_ALL) - Number(b.id === CATCH_ALL)));
//# sourceMappingURL=presets.js.map