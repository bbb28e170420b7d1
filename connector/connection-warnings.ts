import { providerOf } from './providers/registry.js';
import type { ConnectionSettings, StoredConnection } from './store/connections.js';

/** A warning about a saved configuration that may not work as the admin expects. */
export interface Warning {
  code: string;
  message: string;
  hint?: string;
  /**
   * A change that resolves the warning, for the admin page to offer as a button: `set` holds the
   * settings to write into the open form (by field name); the others stay as they are.
   */
  fix?: WarningFix;
}

export interface WarningFix {
  label: string;
  set: Record<string, string | number | boolean>;
}

/** Static warnings: the configuration saves, but probably does not do what the admin wants. */
export function warningsFor(provider: StoredConnection['provider'], s: ConnectionSettings): Warning[] {
  return providerOf(provider).warnings(s);
}

/** A stored connection's warnings after those found while saving it, each code once. */
export function mergeWarnings(provider: StoredConnection['provider'], s: ConnectionSettings, extra: Warning[]): Warning[] {
  return [...extra, ...warningsFor(provider, s)].filter((w, i, all) => all.findIndex((x) => x.code === w.code) === i);
}
