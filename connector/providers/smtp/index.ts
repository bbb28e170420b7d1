import { assertLiteralHostAllowed } from '../../network-policy.js';
import type { Provider } from '../provider.js';
import { bounceMailboxBinding } from './bounces/settings.js';
import { SMTP_PRESETS } from './presets.js';
import { normalizeSmtp, SMTP_FIELDS, smtpBinding, smtpLegacyBinding } from './rules.js';
import { SmtpProvider } from './smtp.js';
import { effectiveUser } from './user.js';
import { SMTP_WARNINGS, smtpWarnings } from './warnings.js';
import { smtpSecret } from './xoauth2-settings.js';

/** SMTP through nodemailer (design.md "A connection"), with a password or XOAUTH2. */
export const smtp: Provider = {
  key: 'smtp',
  fields: SMTP_FIELDS,
  secret: smtpSecret,
  // The bounce mailbox's password: sealed on its own, bound to that mailbox (design.md "Bounces").
  extraSecrets: [
    {
      field: 'bounceMailboxPassword',
      path: ['bounceMailbox', 'password'],
      name: 'bounce mailbox password',
      applies: (s) => !!s.bounceMailbox,
      required: (s) => !!s.bounceMailbox,
      binding: bounceMailboxBinding,
    },
  ],
  labels: {
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
  },
  keepsBcc: false,
  signsWithEnvoiDkim: true,
  presets: SMTP_PRESETS,
  normalize: normalizeSmtp,
  needsSecret: (s) => effectiveUser(s) !== undefined,
  binding: smtpBinding,
  legacyBinding: smtpLegacyBinding,
  warnings: smtpWarnings,
  warningTexts: SMTP_WARNINGS,
  vetStored(c, policy) {
    if (c.settings.host) assertLiteralHostAllowed(c.settings.host, policy, { scope: c.scope, id: c.id, port: c.settings.port ?? 0 });
  },
  connect(runtime) {
    const p = new SmtpProvider(runtime);
    return {
      preflight: (conn) => p.preflight(conn),
      test: (conn, onStage) => p.test(conn, onStage),
      send: (conn, message) => p.send(conn, message),
      evict: (id) => p.evict(id),
      close: () => p.closeAll(),
    };
  },
};
