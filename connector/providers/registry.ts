/** Every provider, one line each. Adding a provider: its folder, and a line here. */
import { microsoft365 } from './microsoft365/index.js';
import { ses } from './ses/index.js';
import type { Provider, ProviderKey } from './provider.js';
import { smtp } from './smtp/index.js';

export const PROVIDERS: Readonly<Record<ProviderKey, Provider>> = Object.freeze({
  smtp,
  microsoft365,
  ses,
});

/** The provider of a connection that names none. */
export const DEFAULT_PROVIDER: ProviderKey = 'smtp';

export const PROVIDER_LIST: readonly Provider[] = Object.freeze(Object.values(PROVIDERS));

/** The provider of a connection (the schema allows only registered keys). */
export function providerOf(key: ProviderKey): Provider {
  const p = PROVIDERS[key];
  if (!p) throw new Error(`No provider "${key}"`);
  return p;
}
