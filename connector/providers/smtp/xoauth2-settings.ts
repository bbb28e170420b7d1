import { EnvoiError } from '../../errors.js';
import type { ConnectionSettings } from '../../store/connections.js';
import type { SecretSpec } from '../provider.js';

/**
 * SMTP with XOAUTH2 (Exchange Online SMTP with OAuth, design.md "A connection"): the app's tenant
 * and client id replace the password, and its client secret is the connection's secret.
 */

/** Requires the app's ids with XOAUTH2 and drops them with any other method. */
export function normalizeXoauth2(s: Partial<ConnectionSettings>): void {
  if (s.authMethod !== 'XOAUTH2') {
    delete s.tenantId;
    delete s.clientId;
    return;
  }
  const missing = (['tenantId', 'clientId'] as const).filter((f) => !s[f]);
  if (missing.length) {
    throw new EnvoiError('VALIDATION_FAILED', `Authentication XOAUTH2 needs the app's ${missing.map((f) => (f === 'tenantId' ? 'tenant id' : 'client id')).join(' and ')}`, {
      hint: 'Enter the Directory (tenant) ID and the Application (client) ID of the Microsoft Entra app registration (its Overview page).',
      details: missing.map((f) => ({ path: `/${f}`, message: 'is required when authMethod is XOAUTH2' })),
    });
  }
}

const BOUND = 'host, port, user, authentication method, Secure, Require TLS, Allow invalid certificates and the CA certificate';

/** The secret these settings use: the app's client secret with XOAUTH2, else the password. */
export function smtpSecret(s: Pick<ConnectionSettings, 'authMethod'>): SecretSpec {
  if (s.authMethod === 'XOAUTH2') {
    return {
      field: 'clientSecret',
      name: 'client secret',
      reuseRule: `A stored client secret is only reused while the tenant id, client id, ${BOUND} stay the same, so a token is never presented to a server it was not entered for.`,
      whyRequired: 'XOAUTH2 signs in as the app with it',
    };
  }
  return {
    field: 'password',
    name: 'password',
    reuseRule: `A stored password is only reused while ${BOUND} stay the same, so it is never sent to a server, or over a connection, it was not entered for.`,
    whyRequired: 'this connection logs in with a user name',
  };
}
