import { validate } from '../schemas/validator.js';
import { warningsFor, type Warning } from './connection-warnings.js';
import { EnvoiError } from './errors.js';
import type { NormalizeContext } from './providers/provider.js';
import { DEFAULT_PROVIDER, providerOf } from './providers/registry.js';
import type { ConnectionSettings, SecretField, StoredConnection } from './store/connections.js';
import { takeExtraSecrets } from './connection-extra-secrets.js';

export const PLATFORM_SCOPE = 'platform';
const TENANT_SCOPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const READ_ONLY = ['id', 'scope', 'hasSecret', 'version', 'createdAt', 'updatedAt', 'warnings'] as const;

/** Throws NOT_FOUND-style VALIDATION_FAILED for a scope that is neither `platform` nor a tenant id. */
export function assertScope(scope: string): void {
  if (scope !== PLATFORM_SCOPE && !TENANT_SCOPE.test(scope)) {
    throw new EnvoiError('VALIDATION_FAILED', `"${scope}" is not a scope`, {
      hint: 'A scope is "platform" or a tenant id of lower-case letters, digits and dashes (up to 63).',
      details: [{ path: '/scope', message: 'must be "platform" or match ^[a-z0-9][a-z0-9-]{0,62}$' }],
    });
  }
}

function pick<T extends object>(obj: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}

/** A connection object after validation, defaults and the network policy. */
export interface NormalizedConnection {
  name: string;
  provider: StoredConnection['provider'];
  settings: ConnectionSettings;
  secret: string | undefined;
  /** The extra secrets given (see connection-extra-secrets.ts). */
  extraSecrets: Partial<Record<SecretField, string>>;
  isDefault: boolean | undefined;
  /** The fallback as named (an id or a name), checked and stored as an id by the service. */
  fallback: string | undefined;
  warnings: Warning[];
}

/** What normalizing needs: the network policy and the connection being saved or tested. */
export type RulesContext = NormalizeContext;

/**
 * Validates and normalizes a full connection object (create, or an update merged over the
 * stored one): applies the provider's defaults, drops the fields of other providers, checks the policy.
 */
export async function normalizeConnection(input: Record<string, unknown>, ctx: RulesContext): Promise<NormalizedConnection> {
  // `has…` flags are the view's (hasSecret, hasWebhookSigningKey): a client may send a view back.
  const body = Object.fromEntries(Object.entries(input).filter(([k, v]) => !(READ_ONLY as readonly string[]).includes(k) && !/^has[A-Z]/.test(k) && v !== null));
  const valid = validate('connection', body);
  const provider = valid.provider ?? DEFAULT_PROVIDER;
  const p = providerOf(provider);
  // Extra secrets (a webhook signing key, a bounce mailbox password) never reach the settings.
  const { values: extraSecrets, rest } = takeExtraSecrets(provider, valid as unknown as Record<string, unknown>);
  const c = rest as unknown as typeof valid;
  const common = pick(c, ['senderEmail', 'senderName', 'replyTo', 'rateLimit', 'pool']) as ConnectionSettings;
  // Only the provider's own fields are kept: those of another provider are dropped.
  const own = await p.normalize(pick(c, p.fields) as Partial<ConnectionSettings>, ctx);
  const settings = { ...common, ...own.settings } as ConnectionSettings;
  // A nested secret (bounceMailbox.password) is a SecretField too, but never a main secret.
  const given: unknown = (c as unknown as Record<string, unknown>)[p.secret(settings).field];
  const secret = given === undefined ? undefined : p.readSecret ? p.readSecret(given) : (given as string);
  const warnings = own.warnings;
  return { name: c.name.trim(), provider, settings, secret, extraSecrets, isDefault: c.isDefault, fallback: c.fallback, warnings: [...warnings, ...warningsFor(provider, settings)] };
}
