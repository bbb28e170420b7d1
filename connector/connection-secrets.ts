import { EnvoiError } from './errors.js';
import { caFingerprint } from './providers/smtp/ca-fingerprint.js';
import { effectiveUser } from './providers/smtp/user.js';
import type { Keyring, SecretContext } from './secrets.js';
import type { ConnectionSettings, SealedSecret, SecretField, StoredConnection } from './store/connections.js';

type Provider = StoredConnection['provider'];

export { caFingerprint, effectiveUser };

/** The one secret field of each provider. */
export const SECRET_OF = { smtp: 'password', microsoft365: 'clientSecret' } as const satisfies Record<Provider, SecretField>;

/** Whether this configuration needs a secret at all. */
export function needsSecret(provider: Provider, s: ConnectionSettings): boolean {
  return provider === 'microsoft365' || effectiveUser(s) !== undefined;
}

/** The names a person sees for the bound settings, in the order they are listed. */
const LABEL: Record<string, string> = {
  provider: 'provider',
  host: 'host',
  port: 'port',
  user: 'user',
  authMethod: 'authentication method',
  secure: 'Secure',
  requireTLS: 'Require TLS',
  allowInvalidCertificates: 'Allow invalid certificates',
  caCertificate: 'CA certificate',
  tenantId: 'tenant id',
  clientId: 'client id',
};

/**
 * What a stored secret was entered for (design.md "Safety rules"): where it is sent and how
 * that server is trusted. A password is reused only while all of these stay the same, so
 * neither a new host nor relaxed TLS (certificate checks off, another CA, STARTTLS no longer
 * required) can receive it without the admin typing it again.
 */
export function bindingOf(provider: Provider, s: ConnectionSettings): Array<[string, string]> {
  if (provider === 'microsoft365') {
    return [
      ['tenantId', (s.tenantId ?? '').toLowerCase()],
      ['clientId', (s.clientId ?? '').toLowerCase()],
    ];
  }
  return [
    ['host', (s.host ?? '').toLowerCase()],
    ['port', String(s.port)],
    ['user', effectiveUser(s) ?? ''],
    ['authMethod', String(s.authMethod)],
    ['secure', String(!!s.secure)],
    ['requireTLS', String(!!s.requireTLS)],
    ['allowInvalidCertificates', String(!!s.allowInvalidCertificates)],
    ['caCertificate', caFingerprint(s.caCertificate)],
  ];
}

/** The bound settings that differ between two configurations (`provider` when that changed). */
export function changedBinding(before: { provider: Provider; settings: ConnectionSettings }, after: { provider: Provider; settings: ConnectionSettings }): string[] {
  if (before.provider !== after.provider) return ['provider'];
  const a = bindingOf(after.provider, after.settings);
  return bindingOf(before.provider, before.settings)
    .filter(([name, value], i) => a[i]![1] !== value || a[i]![0] !== name)
    .map(([name]) => name);
}

// Bound with JSON so that a '|' in a user name cannot shift one field into the next.
const bindingText = (provider: Provider, s: ConnectionSettings) => `${provider}|v2|${JSON.stringify(bindingOf(provider, s))}`;

/** The binding of secrets sealed before TLS trust was bound: host, port, user and method only. */
export function legacyBindingText(provider: Provider, s: ConnectionSettings): string {
  return provider === 'smtp'
    ? `smtp|${(s.host ?? '').toLowerCase()}|${s.port}|${effectiveUser(s) ?? ''}|${s.authMethod}`
    : `microsoft365|${(s.tenantId ?? '').toLowerCase()}|${(s.clientId ?? '').toLowerCase()}`;
}

interface Owner {
  scope: string;
  id: string;
  provider: Provider;
  settings: ConnectionSettings;
}

/** The additional data a secret is sealed with: scope, row, field and its binding. */
export function secretContext(o: Owner, field: SecretField, legacy = false): SecretContext {
  return { scope: o.scope, rowId: o.id, field: `${field}|${legacy ? legacyBindingText(o.provider, o.settings) : bindingText(o.provider, o.settings)}` };
}

/** Seals the provider's secret for this connection and configuration. */
export function sealSecret(keyring: Keyring, o: Owner, plaintext: string): SealedSecret {
  const field = SECRET_OF[o.provider];
  const sealed = keyring.seal(plaintext, secretContext(o, field));
  return { field, keyId: sealed.keyId, sealed: sealed.value };
}

/**
 * Opens a stored secret. Secrets sealed before trust settings were bound carry the old
 * additional data: they still open (the settings they were checked against are the stored
 * ones) and report `legacy`, so the next save seals them again with the full binding.
 */
export function openSecret(keyring: Keyring, o: Owner, s: SealedSecret): { value: string; legacy: boolean } {
  const sealed = { keyId: s.keyId, value: s.sealed };
  try {
    return { value: keyring.open(sealed, secretContext(o, s.field)), legacy: false };
  } catch (err) {
    try {
      return { value: keyring.open(sealed, secretContext(o, s.field, true)), legacy: true };
    } catch {
      throw err;
    }
  }
}

/** SECRET_REQUIRED, naming what changed when a stored secret may not be reused. */
export function missingSecret(provider: Provider, reason: string, changed: string[] = []): EnvoiError {
  const field = SECRET_OF[provider];
  const names = changed.map((c) => LABEL[c] ?? c).join(', ');
  const what = changed.length ? ` (changed: ${names})` : '';
  return new EnvoiError('SECRET_REQUIRED', `The ${field === 'password' ? 'password' : 'client secret'} is required: ${reason}${what}`, {
    hint:
      field === 'password'
        ? `Enter the password again${what}. A stored password is only reused while host, port, user, authentication method, Secure, Require TLS, Allow invalid certificates and the CA certificate stay the same, so it is never sent to a server, or over a connection, it was not entered for.`
        : `Enter the client secret again${what}. A stored client secret is only reused while the tenant and client ids stay the same.`,
    details: [{ path: `/${field}`, message: changed.length ? `is required because ${names} changed` : 'is required' }],
  });
}

/**
 * Throws SECRET_REQUIRED unless the stored secret of `stored` may be used for `next` (a saved
 * edit, or a test of an unsaved configuration based on it): one is stored and every setting it
 * is bound to is unchanged.
 */
export function assertReusable(stored: Pick<StoredConnection, 'provider' | 'settings' | 'secretFields'>, next: { provider: Provider; settings: ConnectionSettings }): void {
  if (!stored.secretFields.includes(SECRET_OF[next.provider]) || stored.provider !== next.provider) {
    throw missingSecret(next.provider, 'none is stored for this configuration');
  }
  const changed = changedBinding(stored, next);
  if (changed.length) throw missingSecret(next.provider, 'the settings it was entered for changed', changed);
}
