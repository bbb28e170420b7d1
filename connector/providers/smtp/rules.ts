import type { Warning } from '../../connection-warnings.js';
import { EnvoiError } from '../../errors.js';
import { warning } from '../../i18n/warning-texts.js';
import { assertLiteralHostAllowed, assertPortAllowed, resolveAndVet } from '../../network-policy.js';
import type { ConnectionSettings } from '../../store/connections.js';
import type { NormalizeContext } from '../provider.js';
import { normalizeBounces } from './bounces/settings.js';
import { caFingerprint } from './ca-fingerprint.js';
import { effectiveUser } from './user.js';
import { SMTP_WARNINGS } from './warnings.js';
import { normalizeXoauth2 } from './xoauth2-settings.js';

export const SMTP_FIELDS = ['host', 'port', 'secure', 'requireTLS', 'authMethod', 'user', 'userSameAsSender', 'tenantId', 'clientId', 'caCertificate', 'allowInvalidCertificates', 'bounceAddress', 'bounceMailbox'] as const;

/** Defaults (port from Secure and back, authentication from the user), then the network policy. */
export async function normalizeSmtp(picked: Partial<ConnectionSettings>, ctx: NormalizeContext): Promise<{ settings: Partial<ConnectionSettings>; warnings: Warning[] }> {
  const s = { ...picked };
  const warnings: Warning[] = [];
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
  normalizeXoauth2(s);
  const target = { ...ctx.owner, port: s.port };
  // The host first: a loopback or private host is refused as such, on any port.
  assertLiteralHostAllowed(s.host!, ctx.policy, target);
  const resolved = await resolveAndVet(s.host!, ctx.policy, { lookup: ctx.lookup, timeoutMs: ctx.dnsTimeoutMs, target });
  assertPortAllowed(s.port, ctx.policy, s.host, ctx.owner);
  await normalizeBounces(s, ctx);
  if (!resolved.ok) {
    warnings.push(warning(SMTP_WARNINGS, 'SMTP_HOST_UNRESOLVED', { host: s.host!, error: resolved.error.code ?? resolved.error.message }));
  }
  return { settings: s, warnings };
}

/**
 * Where the password is sent and how that server is trusted: reused only while all of these stay
 * the same, so neither a new host nor relaxed TLS (certificate checks off, another CA, STARTTLS no
 * longer required) can receive it without the admin typing it again.
 */
export function smtpBinding(s: ConnectionSettings): Array<[string, string]> {
  const binding: Array<[string, string]> = [
    ['host', (s.host ?? '').toLowerCase()],
    ['port', String(s.port)],
    ['user', effectiveUser(s) ?? ''],
    ['authMethod', String(s.authMethod)],
    ['secure', String(!!s.secure)],
    ['requireTLS', String(!!s.requireTLS)],
    ['allowInvalidCertificates', String(!!s.allowInvalidCertificates)],
    ['caCertificate', caFingerprint(s.caCertificate)],
  ];
  // A client secret is also bound to the app it belongs to (appended, so passwords sealed
  // before XOAUTH2 existed keep their binding).
  if (s.authMethod === 'XOAUTH2') binding.push(['tenantId', (s.tenantId ?? '').toLowerCase()], ['clientId', (s.clientId ?? '').toLowerCase()]);
  return binding;
}

/** The binding of passwords sealed before TLS trust was bound: host, port, user and method only. */
export function smtpLegacyBinding(s: ConnectionSettings): string {
  // No client secret was ever sealed under the old binding.
  if (s.authMethod === 'XOAUTH2') return JSON.stringify(smtpBinding(s));
  return `${(s.host ?? '').toLowerCase()}|${s.port}|${effectiveUser(s) ?? ''}|${s.authMethod}`;
}
