/** Every provider, one line each. Adding a provider: its folder, and a line here. */
import { microsoft365 } from './microsoft365/index.js';
import { smtp } from './smtp/index.js';
export const PROVIDERS = Object.freeze({
    smtp,
    microsoft365,
});
/** The provider of a connection that names none. */
export const DEFAULT_PROVIDER = 'smtp';
export const PROVIDER_LIST = Object.freeze(Object.values(PROVIDERS));
/** The provider of a connection (the schema allows only registered keys). */
export function providerOf(key) {
    const p = PROVIDERS[key];
    if (!p)
        throw new Error(`No provider "${key}"`);
    return p;
}
//# sourceMappingURL=registry.js.map