import { providerOf } from './providers/registry.js';
import type { ConnectionSettings, StoredConnection } from './store/connections.js';

/** A warning about a saved configuration that may not work as the admin expects. */
export interface Warning {
  code: string;
  message: string;
  hint?: string;
}

/** Static warnings: the configuration saves, but probably does not do what the admin wants. */
export function warningsFor(provider: StoredConnection['provider'], s: ConnectionSettings): Warning[] {
  return providerOf(provider).warnings(s);
}

/** A stored connection's warnings after those found while saving it, each code once. */
export function mergeWarnings(provider: StoredConnection['provider'], s: ConnectionSettings, extra: Warning[]): Warning[] {
  return [...extra, ...warningsFor(provider, s)].filter((w, i, all) => all.findIndex((x) => x.code === w.code) === i);
}
