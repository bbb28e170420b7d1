import type { ProviderKey } from './providers/provider.js';
import { PROVIDER_LIST } from './providers/registry.js';
import type { ConnectionSettings } from './store/connections.js';

/** A starting point for a connection form: the provider's settings and what admins trip over. */
export interface Preset {
  id: string;
  label: string;
  provider: ProviderKey;
  settings: Partial<ConnectionSettings>;
  /** What the admin must know to make it work (app passwords, API keys as passwords, quotas). */
  note: string;
  /** Provider limits users hit, as a suggested rateLimit and the reason. */
  suggestedRateLimit?: { messages: number; perSeconds: number; reason: string };
}

/** The catch-all preset, listed last whatever the registry order (admins look for their service first). */
const CATCH_ALL = 'custom-smtp';

/** Every provider's presets, in registry order (each provider keeps its own in its folder), the catch-all last. */
export const PRESETS: readonly Preset[] = Object.freeze(
  PROVIDER_LIST.flatMap((p) => p.presets).sort((a, b) => Number(a.id === CATCH_ALL) - Number(b.id === CATCH_ALL)),
);
