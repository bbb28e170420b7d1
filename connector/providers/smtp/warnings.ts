import type { Warning } from '../../connection-warnings.js';
import { warning, type WarningTexts } from '../../i18n/warning-texts.js';
import type { ConnectionSettings } from '../../store/connections.js';

const IMPLICIT_TLS_PORTS = new Set([465]);
const STARTTLS_PORTS = new Set([25, 587, 2525]);
/** Exchange Online's SMTP client submission endpoints. */
const EXCHANGE_ONLINE_HOSTS = new Set(['smtp.office365.com', 'smtp-legacy.office365.com']);

/** The English of SMTP's warnings (the other languages: settings.i18n.json, `warnings/<key>/…`). */
export const SMTP_WARNINGS = {
  SMTP_BASIC_AUTH_RETIRING: {
    code: 'SMTP_BASIC_AUTH_RETIRING',
    message: '{host} with a password: Microsoft switches SMTP basic authentication off by default at the end of December 2026 (MC786329), and this connection will stop sending',
    hint: 'Switch to OAuth: keep host, port and user, set the authentication method to XOAUTH2 and enter the tenant id, client id and client secret of an Entra app allowed to send as the mailbox (SMTP.SendAsApp). Or use the Microsoft 365 (Graph) provider.',
    fix: 'Switch to OAuth (XOAUTH2)',
  },
  SECURE_ON_STARTTLS_PORT: {
    code: 'SECURE_PORT_MISMATCH',
    message: 'Port {port} usually expects STARTTLS, but Secure (TLS from the first byte) is on',
    hint: 'Turn Secure off or use port 465.',
  },
  SECURE_OFF_TLS_PORT: {
    code: 'SECURE_PORT_MISMATCH',
    message: 'Port {port} expects TLS from the first byte, but Secure is off',
    hint: 'Turn Secure on, or use port 587 with Secure off.',
  },
  CERTIFICATE_CHECKS_OFF: {
    code: 'CERTIFICATE_CHECKS_OFF',
    message: 'Certificates are not verified: anyone between Envoi and the server can read the password and the mail',
    hint: 'Add the server\'s CA certificate instead and turn "Allow invalid certificates" off.',
  },
  SMTP_HOST_UNRESOLVED: {
    code: 'DNS_LOOKUP_FAILED',
    message: '{host} could not be resolved right now ({error})',
    hint: 'Check the host name for typos; the connection is saved and will be checked again when it is tested or used.',
  },
} as const satisfies WarningTexts;

/**
 * Microsoft switches SMTP AUTH with a password (Basic authentication) off by default for Exchange
 * Online at the end of December 2026 (Microsoft 365 message center MC786329); OAuth (XOAUTH2)
 * keeps working. The code is stable; its `fix` is the admin page's "Switch to OAuth (XOAUTH2)" button.
 */
function basicAuthRetiring(s: ConnectionSettings): Warning | undefined {
  const host = (s.host ?? '').toLowerCase().replace(/\.$/, '');
  if (!EXCHANGE_ONLINE_HOSTS.has(host) || (s.authMethod !== 'PLAIN' && s.authMethod !== 'LOGIN')) return undefined;
  // Only the method changes: Exchange Online takes XOAUTH2 on the same host, port and mailbox.
  return warning(SMTP_WARNINGS, 'SMTP_BASIC_AUTH_RETIRING', { host }, { authMethod: 'XOAUTH2' });
}

/** An SMTP configuration that saves but probably does not do what the admin wants. */
export function smtpWarnings(s: ConnectionSettings): Warning[] {
  const out: Warning[] = [];
  const retiring = basicAuthRetiring(s);
  if (retiring) out.push(retiring);
  if (s.port === undefined) return out;
  if (s.secure && STARTTLS_PORTS.has(s.port)) out.push(warning(SMTP_WARNINGS, 'SECURE_ON_STARTTLS_PORT', { port: s.port }));
  else if (!s.secure && IMPLICIT_TLS_PORTS.has(s.port)) out.push(warning(SMTP_WARNINGS, 'SECURE_OFF_TLS_PORT', { port: s.port }));
  if (s.allowInvalidCertificates) out.push(warning(SMTP_WARNINGS, 'CERTIFICATE_CHECKS_OFF'));
  return out;
}
