import { providerOf } from './providers/registry.js';
/** Static warnings: the configuration saves, but probably does not do what the admin wants. */
export function warningsFor(provider, s) {
    return providerOf(provider).warnings(s);
}
/** A stored connection's warnings after those found while saving it, each code once. */
export function mergeWarnings(provider, s, extra) {
    return [...extra, ...warningsFor(provider, s)].filter((w, i, all) => all.findIndex((x) => x.code === w.code) === i);
}
//# sourceMappingURL=connection-warnings.js.map