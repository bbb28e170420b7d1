/**
 * Which connection an action's mail goes through (design.md "Scopes"): the one named (id or exact
 * name) in the scope, else the scope's default, else the platform's default; and the platform
 * default a tenant without its own inherits, as the connections list shows it.
 */
import { PLATFORM_SCOPE } from './connection-rules.js';
import { EnvoiError } from './errors.js';
import type { ConnectionStore, StoredConnection } from './store/connections.js';

/** The platform's default as a tenant's list shows it. */
export interface InheritedDefault {
  id: string;
  name: string;
  scope: typeof PLATFORM_SCOPE;
}

/** The connection `ref` names in `scope`, or the default that applies; the errors a caller can act on. */
export async function lookupForSend(store: ConnectionStore, scope: string, ref?: string): Promise<StoredConnection> {
  if (ref) {
    const named = await store.findByRef(scope, ref);
    if (!named) {
      throw new EnvoiError('CONNECTION_NOT_FOUND', `No connection "${ref}" in scope ${scope}`, {
        hint: 'Use the id or the exact name of a connection of this scope, or leave the connection empty to use the default.',
        details: [{ path: '/connection', message: 'is not a connection of this scope' }],
      });
    }
    return named;
  }
  const own = await store.getDefault(scope);
  if (own) return own;
  const platform = scope === PLATFORM_SCOPE ? undefined : await store.getDefault(PLATFORM_SCOPE);
  if (platform) return platform;
  throw new EnvoiError('NO_DEFAULT_CONNECTION', `Scope ${scope} has no default connection${scope === PLATFORM_SCOPE ? '' : ', and neither has the platform'}`);
}

/**
 * The platform's default a tenant's mail goes through when the tenant has no default of its own
 * (design.md "HTTP API", the connections list); null for the platform, or when there is none.
 */
export async function inheritedDefault(store: ConnectionStore, scope: string, own: StoredConnection[]): Promise<InheritedDefault | null> {
  if (scope === PLATFORM_SCOPE || own.some((c) => c.isDefault)) return null;
  const platform = await store.getDefault(PLATFORM_SCOPE);
  return platform ? { id: platform.id, name: platform.name, scope: PLATFORM_SCOPE } : null;
}
