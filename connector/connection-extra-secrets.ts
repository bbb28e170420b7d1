/**
 * A provider's secrets besides its main one (design.md "Bounces, complaints and suppression"): a
 * webhook signing key that checks the provider's events, a bounce mailbox's password. Each is
 * write-only, sealed on its own with its own binding (so a changed bounce mailbox host cannot
 * receive the old password), kept while what it is bound to stays the same, and deleted when the
 * settings no longer use it. The main secret keeps its rules in ./connection-secrets.ts.
 */
import { EnvoiError } from './errors.js';
import type { ExtraSecret } from './providers/provider.js';
import { providerOf } from './providers/registry.js';
import type { Keyring, SecretContext } from './secrets.js';
import type { ConnectionSettings, ProviderKey, SealedSecret, SecretField, StoredConnection } from './store/connection-types.js';

interface Owner {
  scope: string;
  id: string;
  provider: ProviderKey;
  settings: ConnectionSettings;
}

/** The extra secrets these settings use. */
export function extrasOf(provider: ProviderKey, s: ConnectionSettings): ExtraSecret[] {
  return (providerOf(provider).extraSecrets ?? []).filter((x) => x.applies(s));
}

const context = (o: Owner, x: ExtraSecret): SecretContext => ({ scope: o.scope, rowId: o.id, field: `${x.field}|${o.provider}|extra1|${JSON.stringify(x.binding(o.settings))}` });

/**
 * Takes the extra secrets out of a validated connection object: their values by field, and the
 * object without them (a nested one, such as bounceMailbox.password, never reaches the settings).
 */
export function takeExtraSecrets(provider: ProviderKey, input: Record<string, unknown>): { values: Partial<Record<SecretField, string>>; rest: Record<string, unknown> } {
  const values: Partial<Record<SecretField, string>> = {};
  const rest = structuredClone(input);
  for (const x of providerOf(provider).extraSecrets ?? []) {
    const parent = x.path.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, k) => (o && typeof o[k] === 'object' && o[k] !== null ? (o[k] as Record<string, unknown>) : undefined), rest);
    const key = x.path[x.path.length - 1]!;
    if (parent && typeof parent[key] === 'string') values[x.field] = parent[key] as string;
    if (parent) delete parent[key];
  }
  return { values, rest };
}

function required(x: ExtraSecret, why: string): EnvoiError {
  return new EnvoiError('SECRET_REQUIRED', `The ${x.name} is required: ${why}`, {
    hint: `Enter the ${x.name} again. A stored ${x.name} is only reused while the settings it was entered for stay the same.`,
    details: [{ path: `/${x.path.join('/')}`, message: 'is required' }],
  });
}

/**
 * What to store for the extra secrets of `next` (a create when `current` is undefined): given ones
 * sealed, stored ones kept while their binding holds, SECRET_REQUIRED for a required one that is
 * neither, and the fields to delete (stored, but no longer used or no longer bound right).
 */
export function planExtraSecrets(keyring: Keyring, next: Owner, given: Partial<Record<SecretField, string>>, current?: Pick<StoredConnection, 'provider' | 'settings' | 'secretFields'>): { set: SealedSecret[]; keep: SecretField[]; drop: SecretField[] } {
  const set: SealedSecret[] = [];
  const keep: SecretField[] = [];
  const drop: SecretField[] = [];
  const used = extrasOf(next.provider, next.settings);
  for (const x of used) {
    const value = given[x.field];
    if (value) {
      const sealed = keyring.seal(value, context(next, x));
      set.push({ field: x.field, keyId: sealed.keyId, sealed: sealed.value });
      continue;
    }
    const stored = current?.secretFields.includes(x.field) && current.provider === next.provider;
    const bound = stored && JSON.stringify(x.binding(current!.settings)) === JSON.stringify(x.binding(next.settings));
    if (bound) keep.push(x.field);
    else if (x.required(next.settings)) throw required(x, stored ? 'the settings it was entered for changed' : 'none is stored');
    else if (stored) drop.push(x.field);
  }
  for (const f of current?.secretFields ?? []) {
    const isExtra = (providerOf(current!.provider).extraSecrets ?? []).some((x) => x.field === f);
    if (isExtra && !used.some((x) => x.field === f)) drop.push(f);
  }
  return { set, keep, drop };
}

/** Opens the stored extra secrets a connection's settings use. */
export function openExtraSecrets(keyring: Keyring, c: Owner, sealed: SealedSecret[]): Partial<Record<SecretField, string>> {
  const out: Partial<Record<SecretField, string>> = {};
  for (const x of extrasOf(c.provider, c.settings)) {
    const s = sealed.find((y) => y.field === x.field);
    if (s) out[x.field] = keyring.open({ keyId: s.keyId, value: s.sealed }, context(c, x));
  }
  return out;
}

/** `has<Field>: true|false` for each extra secret the settings use, as the view shows them. */
export function extraSecretFlags(c: Pick<StoredConnection, 'provider' | 'settings' | 'secretFields'>): Record<string, boolean> {
  return Object.fromEntries(extrasOf(c.provider, c.settings).map((x) => [`has${x.field[0]!.toUpperCase()}${x.field.slice(1)}`, c.secretFields.includes(x.field)]));
}
