import net from 'node:net';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { XOAuth2ProvisionCallback } from 'nodemailer/lib/xoauth2';
import type { Config } from '../../config.js';
import type { ResolvedConnection } from '../../connections.js';
import { effectiveUser } from './user.js';

/** Defaults every SMTP connection starts from; one frozen object, overridden per connection. */
export const SMTP_DEFAULTS = Object.freeze({
  maxConnections: 5,
  maxMessages: 100,
  // nodemailer's own in-memory requeue is off: the outbox owns every retry (design.md "Delivery").
  maxRequeues: 0,
});

/**
 * Maps a stored connection to nodemailer options, connecting to `address` (already vetted by the
 * network policy) while TLS verifies the name the admin typed.
 */
export function smtpTransportOptions(conn: ResolvedConnection, address: string, config: Pick<Config, 'smtpTimeouts'>, pooled: boolean, provision?: XOAuth2ProvisionCallback): SMTPTransportOptions & Record<string, unknown> {
  const s = conn.settings;
  const user = effectiveUser(s);
  const host = s.host!;
  const servername = net.isIP(host.replace(/^\[|\]$/g, '')) ? undefined : host;
  const options: SMTPTransportOptions & Record<string, unknown> = {
    host: address,
    port: s.port!,
    secure: Boolean(s.secure),
    // Credentials never cross the wire in clear: with a user and Secure off, STARTTLS is required.
    requireTLS: Boolean(s.requireTLS) || user !== undefined,
    servername,
    connectionTimeout: config.smtpTimeouts.connection,
    greetingTimeout: config.smtpTimeouts.greeting,
    socketTimeout: config.smtpTimeouts.socket,
    dnsTimeout: config.smtpTimeouts.dns,
    // Bound the wait for a peer's FIN so shutdown and eviction stay quick.
    socketCloseTimeout: 1000,
    tls: {
      servername,
      rejectUnauthorized: s.allowInvalidCertificates !== true,
      ...(s.caCertificate ? { ca: s.caCertificate } : {}),
    },
    // No message field may make the server read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  };
  if (user !== undefined) {
    // XOAUTH2: nodemailer builds the SASL string and asks `provision` for tokens (./xoauth2.ts).
    options.auth = s.authMethod === 'XOAUTH2' ? { type: 'OAuth2', user, ...(provision ? { provisionCallback: provision } : {}) } : { user, pass: conn.secrets.password ?? '' };
    options.authMethod = s.authMethod;
    // Configured credentials must be used: without forceAuth nodemailer silently sends
    // unauthenticated when the server advertises no AUTH.
    options.forceAuth = true;
  }
  if (pooled) {
    Object.assign(options, {
      pool: true,
      maxConnections: s.pool?.maxConnections ?? SMTP_DEFAULTS.maxConnections,
      maxMessages: SMTP_DEFAULTS.maxMessages,
      maxRequeues: SMTP_DEFAULTS.maxRequeues,
    });
  }
  return options;
}
