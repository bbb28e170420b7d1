import crypto from 'node:crypto';
import type { EmailConnection } from '../schemas/types.js';
import { validateOrThrow } from '../schemas/validator.js';
import { EnvoiError } from './errors.js';
import { assertLiteralHostAllowed, assertPortAllowed, resolveAndVet, type LookupAll, type NetworkPolicy } from './network-policy.js';
import type { Keyring } from './secrets.js';
import { ConnectionStore, type ConnectionSettings, type SealedSecret, type SecretField, type StoredConnection } from './store/connections.js';
import { TtlCache } from './ttl-cache.js';

/** A warning about a saved configuration that may not work as the admin expects. */
export interface Warning {
  code: string;
  message: string;
  hint?: string;
}

/** A connection as the API shows it: no secret, `hasSecret` instead, plus warnings. */
export type ConnectionView = EmailConnection & { id: string; scope: string; hasSecret: boolean; isDefault: boolean; health: StoredConnection['health']; warnings: Warning[] };

/** A connection ready to send: settings plus its opened secrets. Never leaves the connector. */
export interface ResolvedConnection extends StoredConnection {
  secrets: Partial<Record<SecretField, string>>;
}

export const PLATFORM_SCOPE = 'platform';
/** The default rate limit of a Microsoft 365 connection: Exchange Online's per-mailbox limit. */
export const MICROSOFT365_RATE_LIMIT = Object.freeze({ messages: 30, perSeconds: 60 });
const TENANT_SCOPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SMTP_FIELDS = ['host', 'port', 'secure', 'requireTLS', 'authMethod', 'user', 'userSameAsSender', 'caCertificate', 'allowInvalidCertificates'] as const;
const M365_FIELDS = ['tenantId', 'clientId'] as const;
const READ_ONLY = ['id', 'scope', 'hasSecret', 'version', 'createdAt', 'updatedAt', 'warnings'] as const;
const SECRET_OF = { smtp: 'password', microsoft365: 'clientSecret' } as const satisfies Record<StoredConnection['provider'], SecretField>;
const IMPLICIT_TLS_PORTS = new Set([465]);
const STARTTLS_PORTS = new Set([25, 587, 2525]);

/** Throws NOT_FOUND-style VALIDATION_FAILED for a scope that is neither `platform` nor a tenant id. */
export function assertScope(scope: string): void {
  if (scope !== PLATFORM_SCOPE && !TENANT_SCOPE.test(scope)) {
    throw new EnvoiError('VALIDATION_FAILED', `"${scope}" is not a scope`, {
      hint: 'A scope is "platform" or a tenant id of lower-case letters, digits and dashes (up to 63).',
      details: [{ path: '/scope', message: 'must be "platform" or match ^[a-z0-9][a-z0-9-]{0,62}$' }],
    });
  }
}

/** The user name a connection authenticates as, or undefined for no authentication. */
export function effectiveUser(c: Pick<ConnectionSettings, 'authMethod' | 'user' | 'userSameAsSender' | 'senderEmail'>): string | undefined {
  if (c.authMethod === 'NONE') return undefined;
  return c.userSameAsSender ? c.senderEmail : c.user;
}

/**
 * What a stored secret was entered for. It is part of the sealed value's additional data, so a
 * password entered for one host cannot even be decrypted for another: changing host, port, user
 * or auth method (or tenant and client for Microsoft 365) needs the secret again.
 */
function secretBinding(provider: StoredConnection['provider'], s: ConnectionSettings): string {
  return provider === 'smtp'
    ? `smtp|${(s.host ?? '').toLowerCase()}|${s.port}|${effectiveUser(s) ?? ''}|${s.authMethod}`
    : `microsoft365|${(s.tenantId ?? '').toLowerCase()}|${(s.clientId ?? '').toLowerCase()}`;
}

function secretContext(scope: string, id: string, field: SecretField, provider: StoredConnection['provider'], s: ConnectionSettings) {
  return { scope, rowId: id, field: `${field}|${secretBinding(provider, s)}` };
}

function pick<T extends object>(obj: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}

/** Static warnings: the configuration saves, but probably does not do what the admin wants. */
export function warningsFor(provider: StoredConnection['provider'], s: ConnectionSettings): Warning[] {
  const out: Warning[] = [];
  if (provider !== 'smtp' || s.port === undefined) return out;
  if (s.secure && STARTTLS_PORTS.has(s.port)) {
    out.push({
      code: 'SECURE_PORT_MISMATCH',
      message: `Port ${s.port} usually expects STARTTLS, but Secure (TLS from the first byte) is on`,
      hint: `Turn Secure off or use port 465.`,
    });
  } else if (!s.secure && IMPLICIT_TLS_PORTS.has(s.port)) {
    out.push({
      code: 'SECURE_PORT_MISMATCH',
      message: `Port ${s.port} expects TLS from the first byte, but Secure is off`,
      hint: 'Turn Secure on, or use port 587 with Secure off.',
    });
  }
  if (s.allowInvalidCertificates) {
    out.push({
      code: 'CERTIFICATE_CHECKS_OFF',
      message: 'Certificates are not verified: anyone between Envoi and the server can read the password and the mail',
      hint: 'Add the server\'s CA certificate instead and turn "Allow invalid certificates" off.',
    });
  }
  return out;
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
  /** Called when a connection's health changed (marked unhealthy by delivery, or healthy again). */
  onHealthChange?: (id: string, health: StoredConnection['health']) => void;
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

  /**
   * Validates and normalizes a full connection object (create, or an update merged over the
   * stored one): applies defaults, drops the fields of the other provider, checks the policy.
   */
  async normalize(input: Record<string, unknown>): Promise<{ name: string; provider: StoredConnection['provider']; settings: ConnectionSettings; secret: string | undefined; isDefault: boolean | undefined; warnings: Warning[] }> {
    const body = Object.fromEntries(Object.entries(input).filter(([k, v]) => !(READ_ONLY as readonly string[]).includes(k) && v !== null));
    const c = validateOrThrow<EmailConnection>('connection.schema.json', body, 'connection');
    const provider = c.provider ?? 'smtp';
    const secretField = SECRET_OF[provider];
    const secret = c[secretField];
    const common = pick(c, ['senderEmail', 'senderName', 'replyTo', 'rateLimit', 'pool']) as ConnectionSettings;
    const warnings: Warning[] = [];
    let settings: ConnectionSettings;
    if (provider === 'smtp') {
      const s = pick(c, SMTP_FIELDS) as ConnectionSettings;
      s.secure = s.secure ?? s.port === 465;
      s.port = s.port ?? (s.secure ? 465 : 587);
      s.requireTLS = s.requireTLS ?? false;
      s.allowInvalidCertificates = s.allowInvalidCertificates ?? false;
      s.userSameAsSender = s.userSameAsSender ?? false;
      s.authMethod = s.authMethod ?? (s.user || s.userSameAsSender ? 'PLAIN' : 'NONE');
      if (s.authMethod === 'NONE') {
        delete s.user;
        s.userSameAsSender = false;
      } else if (s.userSameAsSender) {
        delete s.user;
      } else if (!s.user) {
        throw new EnvoiError('VALIDATION_FAILED', `Authentication ${s.authMethod} needs a user name`, {
          hint: 'Enter the user name, tick "same as sender email", or choose authentication NONE for a relay without login.',
          details: [{ path: '/user', message: `is required when authMethod is ${s.authMethod}` }],
        });
      }
      assertPortAllowed(s.port, this.opts.policy, s.host);
      assertLiteralHostAllowed(s.host!, this.opts.policy);
      const resolved = await resolveAndVet(s.host!, this.opts.policy, { lookup: this.opts.lookup, timeoutMs: this.opts.dnsTimeoutMs });
      if (!resolved.ok) {
        warnings.push({
          code: 'DNS_LOOKUP_FAILED',
          message: `${s.host} could not be resolved right now (${resolved.error.code ?? resolved.error.message})`,
          hint: 'Check the host name for typos; the connection is saved and will be checked again when it is tested or used.',
        });
      }
      settings = { ...common, ...s };
    } else {
      settings = { ...common, ...(pick(c, M365_FIELDS) as ConnectionSettings) };
    }
    return { name: c.name.trim(), provider, settings, secret, isDefault: c.isDefault, warnings: [...warnings, ...warningsFor(provider, settings)] };
  }

  /** Whether this configuration needs a secret at all. */
  private needsSecret(provider: StoredConnection['provider'], s: ConnectionSettings): boolean {
    return provider === 'microsoft365' || effectiveUser(s) !== undefined;
  }

  private missingSecret(provider: StoredConnection['provider'], reason: string): EnvoiError {
    const field = SECRET_OF[provider];
    return new EnvoiError('SECRET_REQUIRED', `The ${field === 'password' ? 'password' : 'client secret'} is required: ${reason}`, {
      hint:
        field === 'password'
          ? 'Enter the password again. A stored password is only reused while host, port, user and authentication method stay the same, so it is never sent to a server it was not entered for.'
          : 'Enter the client secret again. A stored client secret is only reused while the tenant and client ids stay the same.',
      details: [{ path: `/${field}`, message: 'is required' }],
    });
  }

  /** Shows a stored connection the way the API may: masked, with warnings. */
  view(c: StoredConnection, extraWarnings: Warning[] = []): ConnectionView {
    return {
      id: c.id,
      scope: c.scope,
      name: c.name,
      provider: c.provider,
      ...c.settings,
      hasSecret: c.secretFields.includes(SECRET_OF[c.provider]),
      isDefault: c.isDefault,
      health: c.health,
      version: c.version,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      warnings: [...extraWarnings, ...warningsFor(c.provider, c.settings)].filter((w, i, all) => all.findIndex((x) => x.code === w.code) === i),
    };
  }

  async list(scope: string): Promise<StoredConnection[]> {
    assertScope(scope);
    return this.store.list(scope);
  }

  /** A connection of the scope, or CONNECTION_NOT_FOUND (also for another scope's id). */
  async get(scope: string, id: string): Promise<StoredConnection> {
    assertScope(scope);
    const c = await this.store.get(scope, id);
    if (!c) throw notFound(id);
    return c;
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
    return this.resolved.get(`${scope}\n${ref ?? ''}`, () => this.lookupForSend(scope, ref));
  }

  /** Forgets what resolveForSend found: a connection was created, edited, deleted or made default. */
  private changed(): void {
    this.resolved.clear();
  }

  private async lookupForSend(scope: string, ref?: string): Promise<StoredConnection> {
    if (ref) {
      const named = await this.store.findByRef(scope, ref);
      if (!named) {
        throw new EnvoiError('CONNECTION_NOT_FOUND', `No connection "${ref}" in scope ${scope}`, {
          hint: 'Use the id or the exact name of a connection of this scope, or leave the connection empty to use the default.',
          details: [{ path: '/connection', message: 'is not a connection of this scope' }],
        });
      }
      return named;
    }
    const own = await this.store.getDefault(scope);
    if (own) return own;
    const platform = scope === PLATFORM_SCOPE ? undefined : await this.store.getDefault(PLATFORM_SCOPE);
    if (platform) return platform;
    throw new EnvoiError('NO_DEFAULT_CONNECTION', `Scope ${scope} has no default connection${scope === PLATFORM_SCOPE ? '' : ', and neither has the platform'}`);
  }

  async create(scope: string, input: Record<string, unknown>): Promise<{ connection: StoredConnection; warnings: Warning[] }> {
    assertScope(scope);
    const n = await this.normalize(input);
    if (n.provider === 'microsoft365' && input.rateLimit === undefined) {
      // Exchange Online accepts 30 messages a minute per mailbox; start there (editable).
      n.settings.rateLimit = { ...MICROSOFT365_RATE_LIMIT };
    }
    const id = crypto.randomUUID();
    const secrets: SealedSecret[] = [];
    if (this.needsSecret(n.provider, n.settings)) {
      if (!n.secret) throw this.missingSecret(n.provider, n.provider === 'smtp' ? 'this connection logs in with a user name' : 'Microsoft 365 connections authenticate with it');
      secrets.push(this.seal(scope, id, n.provider, n.settings, n.secret));
    }
    const now = new Date().toISOString();
    const connection = await this.store.insert(
      { id, scope, name: n.name, provider: n.provider, settings: n.settings, createdAt: now, updatedAt: now },
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
    const merged: Record<string, unknown> = { name: current.name, provider: current.provider, ...current.settings, ...patch };
    if (merged.provider !== current.provider) {
      // Switching provider forgets the other provider's fields and, below, its secret.
      for (const k of current.provider === 'smtp' ? SMTP_FIELDS : M365_FIELDS) if (!(k in patch)) delete merged[k];
    }
    const n = await this.normalize(merged);
    const field = SECRET_OF[n.provider];
    const setSecrets: SealedSecret[] = [];
    const deleteSecrets = new Set<SecretField>(current.secretFields.filter((f) => f !== field));
    if (!this.needsSecret(n.provider, n.settings)) {
      if (current.secretFields.includes(field)) deleteSecrets.add(field);
    } else if (n.secret) {
      setSecrets.push(this.seal(scope, id, n.provider, n.settings, n.secret));
    } else {
      const sameBinding = current.provider === n.provider && secretBinding(current.provider, current.settings) === secretBinding(n.provider, n.settings);
      if (!current.secretFields.includes(field)) throw this.missingSecret(n.provider, 'none is stored for this connection');
      if (!sameBinding) {
        throw this.missingSecret(
          n.provider,
          n.provider === 'smtp' ? 'the host, port, user or authentication method changed' : 'the tenant or client id changed',
        );
      }
    }
    const connection = await this.store.update(
      scope,
      id,
      current.version,
      { name: n.name, provider: n.provider, settings: n.settings, updatedAt: new Date().toISOString() },
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
    const changed = await this.store.setHealth(id, health);
    if (changed) this.opts.onHealthChange?.(id, health);
    return changed;
  }

  /**
   * A passing test of a connection as it is stored (the saved one, or the edit form unchanged)
   * clears its unhealthy mark. A test of a changed configuration says nothing about the stored one.
   */
  async passedTest(tested: ResolvedConnection, stored?: ResolvedConnection): Promise<void> {
    const saved = stored ?? (await this.getById(tested.scope, tested.id));
    if (!saved || saved.health.status !== 'unhealthy') return;
    if (saved.provider !== tested.provider || JSON.stringify(saved.settings) !== JSON.stringify(tested.settings)) return;
    const secrets = 'secrets' in saved ? saved.secrets : (await this.withSecrets(saved)).secrets;
    if (JSON.stringify(secrets) !== JSON.stringify(tested.secrets)) return;
    await this.setHealth(saved.id, { status: 'ok' });
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

  private seal(scope: string, id: string, provider: StoredConnection['provider'], s: ConnectionSettings, plaintext: string): SealedSecret {
    const field = SECRET_OF[provider];
    const sealed = this.opts.keyring.seal(plaintext, secretContext(scope, id, field, provider, s));
    return { field, keyId: sealed.keyId, sealed: sealed.value };
  }

  /** Opens the secrets of a stored connection for sending or testing. */
  async withSecrets(c: StoredConnection): Promise<ResolvedConnection> {
    const secrets: ResolvedConnection['secrets'] = {};
    for (const s of await this.store.sealedSecrets(c.id)) {
      if (s.field !== SECRET_OF[c.provider]) continue;
      secrets[s.field] = this.opts.keyring.open({ keyId: s.keyId, value: s.sealed }, secretContext(c.scope, c.id, s.field, c.provider, c.settings));
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
    const n = await this.normalize(base ? { name: base.name, provider: base.provider, ...base.settings, ...input } : input);
    const now = new Date().toISOString();
    const conn: StoredConnection = { id: base?.id ?? `draft-${crypto.randomUUID()}`, scope, name: n.name, provider: n.provider, settings: n.settings, isDefault: false, version: 0, createdAt: now, updatedAt: now, secretFields: [], health: { status: 'ok' } };
    const field = SECRET_OF[n.provider];
    if (!this.needsSecret(n.provider, n.settings)) return { ...conn, secrets: {} };
    if (n.secret) return { ...conn, secrets: { [field]: n.secret } };
    if (base && base.secretFields.includes(field)) {
      if (base.provider === n.provider && secretBinding(base.provider, base.settings) === secretBinding(n.provider, n.settings)) {
        const opened = await this.withSecrets(base);
        return { ...conn, secrets: opened.secrets };
      }
      throw this.missingSecret(n.provider, 'the host, port, user or authentication method differs from the saved connection');
    }
    throw this.missingSecret(n.provider, 'the configuration logs in with a user name');
  }
}

function notFound(id: string): EnvoiError {
  return new EnvoiError('CONNECTION_NOT_FOUND', `No connection ${id} in this scope`);
}
