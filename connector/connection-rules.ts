import { validate } from '../schemas/validator.js';
import { SECRET_OF } from './connection-secrets.js';
import { warningsFor, type Warning } from './connection-warnings.js';
import { EnvoiError } from './errors.js';
import { assertLiteralHostAllowed, assertPortAllowed, resolveAndVet, type LookupAll, type NetworkPolicy } from './network-policy.js';
import type { ConnectionSettings, StoredConnection } from './store/connections.js';

export const PLATFORM_SCOPE = 'platform';
const TENANT_SCOPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SMTP_FIELDS = ['host', 'port', 'secure', 'requireTLS', 'authMethod', 'user', 'userSameAsSender', 'caCertificate', 'allowInvalidCertificates'] as const;
export const M365_FIELDS = ['tenantId', 'clientId'] as const;
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
  isDefault: boolean | undefined;
  /** The fallback as named (an id or a name), checked and stored as an id by the service. */
  fallback: string | undefined;
  warnings: Warning[];
}

export interface RulesContext {
  policy: NetworkPolicy;
  lookup?: LookupAll | undefined;
  dnsTimeoutMs?: number | undefined;
  /** The connection being saved or tested (scope and id), for the policy's exceptions. */
  owner: { scope: string; id: string };
}

/**
 * Validates and normalizes a full connection object (create, or an update merged over the
 * stored one): applies defaults, drops the fields of the other provider, checks the policy.
 */
export async function normalizeConnection(input: Record<string, unknown>, ctx: RulesContext): Promise<NormalizedConnection> {
  const body = Object.fromEntries(Object.entries(input).filter(([k, v]) => !(READ_ONLY as readonly string[]).includes(k) && v !== null));
  const c = validate('connection', body);
  const provider = c.provider ?? 'smtp';
  const secret = c[SECRET_OF[provider]];
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
    const target = { ...ctx.owner, port: s.port };
    // The host first: a loopback or private host is refused as such, on any port.
    assertLiteralHostAllowed(s.host!, ctx.policy, target);
    const resolved = await resolveAndVet(s.host!, ctx.policy, { lookup: ctx.lookup, timeoutMs: ctx.dnsTimeoutMs, target });
    assertPortAllowed(s.port, ctx.policy, s.host, ctx.owner);
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
  return { name: c.name.trim(), provider, settings, secret, isDefault: c.isDefault, fallback: c.fallback, warnings: [...warnings, ...warningsFor(provider, settings)] };
}
