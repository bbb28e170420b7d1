import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { EmailConnection } from '../schemas/types.js';
import { assertScope, normalizeConnection, PLATFORM_SCOPE, type NormalizedConnection } from './connection-rules.js';
import { fallbackFor } from './connection-fallback.js';
import { assertReusable, missingSecret, needsSecret, openSecret, sealSecret, secretFieldOf } from './connection-secrets.js';
import type { Warning } from './connection-warnings.js';
import { openExtraSecrets, planExtraSecrets } from './connection-extra-secrets.js';
import { connectionView, type ConnectionView } from './connection-view.js';
import { inheritedDefault, lookupForSend, type InheritedDefault } from './connection-resolution.js';
import { EnvoiError } from './errors.js';
import type { LookupAll, NetworkPolicy } from './network-policy.js';
import { providerOf } from './providers/registry.js';
import type { Keyring } from './secrets.js';
import { ConnectionStore, type ConnectionSettings, type SealedSecret, type SecretField, type StoredConnection } from './store/connections.js';
import { TtlCache } from './ttl-cache.js';

export { assertScope, PLATFORM_SCOPE } from './connection-rules.js';
export { warningsFor, type Warning } from './connection-warnings.js';

/** A connection as the API shows it: no secret, `hasSecret` instead, plus warnings. */
export type { ConnectionView } from './connection-view.js';

/** A connection ready to send: settings plus its opened secrets. Never leaves the connector. */
export interface ResolvedConnection extends StoredConnection {
  secrets: Partial<Record<SecretField, string>>;
}

/** How long resolveForSend reuses what it found (see ConnectionService.resolved). */
const RESOLVE_CACHE_MS = 1000;
const RESOLVE_CACHE_MAX = 10_000;

export interface ConnectionServiceOptions {
  store: ConnectionStore;
  keyring: Keyring;
  policy: NetworkPolicy;
  lookup?: LookupAll;
  dnsTimeoutMs?: number;
  /** Called after a connection changed or was deleted, so cached transports can be closed. */
  onChange?: (id: string) => void;
  /** ENVOI_PUBLIC_URL, for the event URL the view shows. */
  publicUrl?: string | undefined;
  /** Called when a connection's health changed (marked unhealthy by delivery, or healthy again). */
  onHealthChange?: (id: string, health: StoredConnection['health']) => void;
  /** Writes what reports a health change (its event) in the transaction that stores it. */
  healthEvent?: (trx: Knex.Transaction, id: string, health: StoredConnection['health']) => Promise<void>;
}

/** The rules of connections (design.md "A connection" and "Safety rules") over the store. */
export class ConnectionService {
  private readonly store: ConnectionStore;
  /**
   * What resolveForSend found, for RESOLVE_CACHE_MS: every execute resolves its connection, and
   * reading it each time costs an execute two database round trips. Any change made through this
   * service clears it at once; a change made by another process shows within the TTL.
   */
  private readonly resolved = new TtlCache<StoredConnection>({ ttlMs: RESOLVE_CACHE_MS, max: RESOLVE_CACHE_MAX });
  constructor(private readonly opts: ConnectionServiceOptions) {
    this.store = opts.store;
  }

  /** Validates a full connection object for the connection `owner` (see connection-rules.ts). */
  normalize(input: Record<string, unknown>, owner: { scope: string; id: string }): Promise<NormalizedConnection> {
    return normalizeConnection(input, { policy: this.opts.policy, lookup: this.opts.lookup, dnsTimeoutMs: this.opts.dnsTimeoutMs, owner });
  }

  /** Shows a stored connection the way the API may: masked, with warnings. */
  view(c: StoredConnection, extraWarnings: Warning[] = []): ConnectionView {
    return connectionView(c, extraWarnings, { publicUrl: this.opts.publicUrl, macKeys: (p) => this.opts.keyring.macKeys(p) });
  }

  async list(scope: string): Promise<StoredConnection[]> {
    assertScope(scope);
    return this.store.list(scope);
  }

  /**
   * The platform's default a tenant's mail goes through when the tenant has no default of its own
   * (design.md "HTTP API", the connections list); null for the platform, or when there is none.
   */
  inheritedDefault(scope: string, own: StoredConnection[]): Promise<InheritedDefault | null> {
    return inheritedDefault(this.store, scope, own);
  }

  /** Every connection of a provider, in all scopes (for work a worker does per connection). */
  listByProvider(provider: StoredConnection['provider']): Promise<StoredConnection[]> {
    return this.store.listByProvider(provider);
  }

  /** A connection of the scope, or CONNECTION_NOT_FOUND (also for another scope's id). */
  async get(scope: string, id: string): Promise<StoredConnection> {
    assertScope(scope);
    const c = await this.store.get(scope, id);
    if (!c) throw notFound(id);
    return c;
  }

  /** A connection by id in whatever scope it is (a provider's event names only the id), or undefined. */
  async findAnywhere(id: string): Promise<StoredConnection | undefined> {
    return this.store.byId(id);
  }

  /** A connection by id in its scope, or undefined. */
  async getById(scope: string, id: string): Promise<StoredConnection | undefined> {
    return this.store.get(scope, id);
  }

  /**
   * The connection an action in `scope` sends through (design.md "Scopes"): the one named (id or
   * exact name) in the scope, else the scope's default, else the platform default.
   */
  async resolveForSend(scope: string, ref?: string): Promise<StoredConnection> {
    assertScope(scope);
    // Errors (no default, unknown name) are answered fresh each time; a change clears it all.
    return this.resolved.get(`${scope}\n${ref ?? ''}`, () => lookupForSend(this.store, scope, ref));
  }

  /** Forgets what resolveForSend found: a connection was created, edited, deleted or made default. */
  private changed(): void {
    this.resolved.clear();
  }

  /** Creates a connection; `options.id` lets demo mode name its own connection beforehand. */
  async create(scope: string, input: Record<string, unknown>, options: { id?: string } = {}): Promise<{ connection: StoredConnection; warnings: Warning[] }> {
    assertScope(scope);
    const id = options.id ?? crypto.randomUUID();
    const n = await this.normalize(input, { scope, id });
    const fallbackId = await fallbackFor(this.store, { scope, id, name: n.name }, n.fallback);
    const provider = providerOf(n.provider);
    // The provider's starting values (Microsoft 365: Exchange Online's rate limit), where the input has none.
    for (const [k, v] of Object.entries(provider.createDefaults ?? {})) {
      if (input[k] === undefined) (n.settings as Record<string, unknown>)[k] = structuredClone(v);
    }
    const secrets: SealedSecret[] = [];
    if (needsSecret(n.provider, n.settings)) {
      if (!n.secret) throw missingSecret(n.provider, n.settings, provider.secret(n.settings).whyRequired);
      secrets.push(sealSecret(this.opts.keyring, { scope, id, provider: n.provider, settings: n.settings }, n.secret));
    }
    secrets.push(...planExtraSecrets(this.opts.keyring, { scope, id, provider: n.provider, settings: n.settings }, n.extraSecrets).set);
    const now = new Date().toISOString();
    const connection = await this.store.insert(
      { id, scope, name: n.name, provider: n.provider, settings: n.settings, fallbackId, createdAt: now, updatedAt: now },
      secrets,
      n.isDefault === true,
    );
    this.changed();
    return { connection, warnings: n.warnings };
  }

  /**
   * Applies a partial change. Fields left out keep their stored value, `null` clears an optional
   * one. The stored secret is kept only while what it was entered for is unchanged.
   */
  async update(scope: string, id: string, patch: Record<string, unknown>): Promise<{ connection: StoredConnection; warnings: Warning[] }> {
    const current = await this.get(scope, id);
    const merged: Record<string, unknown> = { name: current.name, provider: current.provider, ...current.settings, fallback: current.fallback?.id, ...patch };
    if (merged.provider !== current.provider) {
      // Switching provider forgets the other provider's fields and, below, its secret.
      for (const k of providerOf(current.provider).fields) if (!(k in patch)) delete merged[k];
    }
    const n = await this.normalize(merged, { scope, id });
    const fallbackId = await fallbackFor(this.store, { scope, id, name: n.name }, n.fallback);
    const field = secretFieldOf(n.provider, n.settings);
    const setSecrets: SealedSecret[] = [];
    const extras = planExtraSecrets(this.opts.keyring, { scope, id, provider: n.provider, settings: n.settings }, n.extraSecrets, current);
    setSecrets.push(...extras.set);
    // Every stored secret but the one these settings use and the extras they keep or replace goes.
    const kept = new Set<SecretField>([field, ...extras.keep, ...extras.set.map((x) => x.field)]);
    const deleteSecrets = new Set<SecretField>(current.secretFields.filter((f) => !kept.has(f)));
    if (!needsSecret(n.provider, n.settings)) {
      if (current.secretFields.includes(field)) deleteSecrets.add(field);
    } else if (n.secret) {
      setSecrets.push(sealSecret(this.opts.keyring, { scope, id, provider: n.provider, settings: n.settings }, n.secret));
    } else {
      assertReusable(current, n);
      const rebound = await this.rebind(current, n.settings);
      if (rebound) setSecrets.push(rebound);
    }
    const connection = await this.store.update(
      scope,
      id,
      current.version,
      { name: n.name, provider: n.provider, settings: n.settings, fallbackId, updatedAt: new Date().toISOString() },
      setSecrets,
      [...deleteSecrets],
    );
    if (n.isDefault === true && !connection.isDefault) await this.store.setDefault(scope, id);
    this.changed();
    this.opts.onChange?.(id);
    return { connection: n.isDefault === true ? (await this.store.get(scope, id))! : connection, warnings: n.warnings };
  }

  /** Marks a connection unhealthy (delivery hit an auth or TLS failure) or healthy again. */
  async setHealth(id: string, health: StoredConnection['health']): Promise<boolean> {
    const { healthEvent } = this.opts;
    const changed = await this.store.setHealth(id, health, healthEvent && ((trx) => healthEvent(trx, id, health)));
    if (changed) this.opts.onHealthChange?.(id, health);
    return changed;
  }

  /**
   * A send or a test went through an untested connection: it is ok now. No event and no eviction:
   * it was never unhealthy, and its configuration did not change.
   */
  async markWorking(id: string): Promise<void> {
    await this.store.markWorking(id);
  }

  /**
   * A passing test of a connection as it is stored (the saved one, or the edit form unchanged)
   * makes it ok: clears its unhealthy mark, or its untested one. A test of a changed configuration
   * says nothing about the stored one.
   */
  async passedTest(tested: ResolvedConnection, stored?: ResolvedConnection): Promise<void> {
    const saved = stored ?? (await this.getById(tested.scope, tested.id));
    if (!saved || saved.health.status === 'ok') return;
    if (saved.provider !== tested.provider || JSON.stringify(saved.settings) !== JSON.stringify(tested.settings)) return;
    const secrets = 'secrets' in saved ? saved.secrets : (await this.withSecrets(saved)).secrets;
    if (JSON.stringify(secrets) !== JSON.stringify(tested.secrets)) return;
    if (saved.health.status === 'untested') await this.markWorking(saved.id);
    else await this.setHealth(saved.id, { status: 'ok' });
  }

  async delete(scope: string, id: string): Promise<void> {
    assertScope(scope);
    const deleted = await this.store.delete(scope, id);
    this.changed();
    if (!deleted) throw notFound(id);
    this.opts.onChange?.(id);
  }

  async makeDefault(scope: string, id: string): Promise<StoredConnection> {
    assertScope(scope);
    const c = await this.store.setDefault(scope, id);
    this.changed();
    if (!c) throw notFound(id);
    return c;
  }

  /**
   * A kept secret sealed by an older version (without the trust settings in its binding) is
   * sealed again with the full binding of the settings being saved; undefined when nothing to do.
   */
  private async rebind(current: StoredConnection, settings: ConnectionSettings): Promise<SealedSecret | undefined> {
    const stored = (await this.store.sealedSecrets(current.id)).find((x) => x.field === secretFieldOf(current.provider, current.settings));
    if (!stored) return undefined;
    let opened: { value: string; legacy: boolean };
    try {
      opened = openSecret(this.opts.keyring, current, stored);
    } catch {
      return undefined; // Unreadable (a lost key): left as it is, a send reports SECRET_UNREADABLE.
    }
    return opened.legacy ? sealSecret(this.opts.keyring, { ...current, settings }, opened.value) : undefined;
  }

  /**
   * Opens the secrets of a stored connection for sending or testing. A literal private host is
   * vetted again with the connection's identity: the provider's own re-check cannot tell which
   * connection asks, and a row saved under looser rules (an older version's demo mode) must not
   * reach loopback through the demo exception.
   */
  async withSecrets(c: StoredConnection): Promise<ResolvedConnection> {
    providerOf(c.provider).vetStored?.(c, this.opts.policy);
    const sealed = await this.store.sealedSecrets(c.id);
    const secrets: ResolvedConnection['secrets'] = openExtraSecrets(this.opts.keyring, c, sealed);
    for (const s of sealed) {
      if (s.field !== secretFieldOf(c.provider, c.settings)) continue;
      secrets[s.field] = openSecret(this.opts.keyring, c, s).value;
    }
    return { ...c, secrets };
  }

  /**
   * An unsaved configuration ready to test. With `basedOn`, the stored secret of that connection
   * is used when none is given and it was entered for the same host, port, user and method.
   */
  async draft(scope: string, input: Record<string, unknown>, basedOn?: string): Promise<ResolvedConnection> {
    assertScope(scope);
    const base = basedOn ? await this.get(scope, basedOn) : undefined;
    const id = base?.id ?? `draft-${crypto.randomUUID()}`;
    const n = await this.normalize(base ? { name: base.name, provider: base.provider, ...base.settings, ...input } : input, { scope, id });
    const now = new Date().toISOString();
    const conn: StoredConnection = { id, scope, name: n.name, provider: n.provider, settings: n.settings, isDefault: false, version: 0, createdAt: now, updatedAt: now, secretFields: [], health: { status: 'ok' }, fallback: null };
    const field = secretFieldOf(n.provider, n.settings);
    // Extra secrets follow the rules of saving too: given, or stored and still bound right.
    const keep = planExtraSecrets(this.opts.keyring, { scope, id, provider: n.provider, settings: n.settings }, n.extraSecrets, base).keep;
    const reuseMain = needsSecret(n.provider, n.settings) && !n.secret;
    if (reuseMain && !base) throw missingSecret(n.provider, n.settings, providerOf(n.provider).secret(n.settings).whyRequired);
    // The same rule as saving: a test must not send the stored secret anywhere a save could not.
    if (reuseMain) assertReusable(base!, n);
    const stored = base && (reuseMain || keep.length) ? (await this.withSecrets(base)).secrets : {};
    const secrets: ResolvedConnection['secrets'] = { ...n.extraSecrets, ...Object.fromEntries(keep.map((f) => [f, stored[f]])) };
    if (needsSecret(n.provider, n.settings)) secrets[field] = n.secret ?? stored[field];
    return { ...conn, secrets };
  }
}

function notFound(id: string): EnvoiError {
  return new EnvoiError('CONNECTION_NOT_FOUND', `No connection ${id} in this scope`);
}
