import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { classifySmtpError, type Failure, type Stage } from './classify-smtp.js';
import { failure } from '../../failures.js';
import type { ResolvedConnection } from '../../connections.js';
import { effectiveUser } from './user.js';
import { SendFailure, type StageListener, type TestResult } from '../results.js';
import { vettedAddresses, type SmtpReach } from './smtp-host.js';
import { smtpTransportOptions } from './smtp-options.js';
import { startTlsWatch } from './starttls-watch.js';
import { exchangeAuthFailure, isXoauth2, type SmtpOAuth } from './xoauth2.js';

/** What the test reads of a connected SMTPConnection: TLS, and the AUTH support it parsed from EHLO (internal, untyped fields). */
type Internals = { _supportedAuth?: string[]; secure: boolean; allowsAuth: boolean };

/**
 * Tests a connection step by step: dns → connect → tls → auth → done, telling `onStage` each
 * stage as it starts. Unlike nodemailer's verify(), a test with credentials only passes when the
 * server really authenticated them (verify() succeeds against a server that advertises no AUTH).
 * With Secure on (implicit TLS, RFC 8314 §3.3) the handshake is part of connecting, so `tls` is
 * heard only for STARTTLS.
 */
export async function testSmtpConnection(conn: ResolvedConnection, reach: SmtpReach, oauth: SmtpOAuth, onStage: StageListener = () => {}): Promise<TestResult> {
  const started = Date.now();
  const s = conn.settings;
  const ctx = { host: s.host!, port: s.port!, secure: !!s.secure, secrets: Object.values(conn.secrets) };
  const done = (r: Omit<TestResult, 'durationMs'>): TestResult => ({ ...r, durationMs: Date.now() - started });
  const fail = (f: Failure, extra: Partial<TestResult> = {}): TestResult =>
    done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}), ...(f.detail ? { detail: f.detail } : {}), ...extra });

  onStage('dns');
  const vetted = await vettedAddresses(conn, reach);
  if (!vetted.ok) return fail(vetted.failure);

  let last: Failure | undefined;
  for (const address of vetted.addresses) {
    const connection = new SMTPConnection({ ...smtpTransportOptions(conn, address, reach.config, false), ...startTlsWatch(() => onStage('tls')) });
    const internals = connection as unknown as Internals;
    let reached: Stage = 'connect';
    onStage('connect');
    try {
      await new Promise<void>((resolve, reject) => {
        connection.once('error', reject);
        connection.connect((err) => (err ? reject(err) : resolve()));
      });
      reached = internals.secure ? 'tls' : 'connect';
      const server = { address, tls: internals.secure, authMethods: [...(internals._supportedAuth ?? [])] };
      const user = effectiveUser(s);
      if (user === undefined) {
        return done({ ok: true, stage: 'done', message: `Connected to ${s.host}:${s.port}${server.tls ? ' over TLS' : ''}; no login configured`, server });
      }
      if (!internals.secure) {
        // nodemailer's requireTLS stops this earlier; this guard keeps it true if that changes.
        return fail(failure('STARTTLS_UNAVAILABLE', `${s.host}:${s.port} offers no STARTTLS`, { hint: 'Use port 587 with STARTTLS or 465 with Secure on.' }), { server });
      }
      if (!internals.allowsAuth || server.authMethods.length === 0) {
        return fail(
          failure('AUTH_METHOD_UNSUPPORTED', `${s.host}:${s.port} advertises no authentication, so the credentials cannot be checked`, { hint: 'Use the server\'s submission port (587 or 465), or choose authentication NONE if it relays without login.' }),
          { server },
        );
      }
      if (!server.authMethods.includes(s.authMethod!)) {
        const hint = isXoauth2(conn)
          ? 'XOAUTH2 is for Exchange Online (smtp.office365.com, port 587); for this server choose the method it offers.'
          : `Choose ${server.authMethods.find((m) => m === 'PLAIN' || m === 'LOGIN') ?? server.authMethods[0]} as the authentication method.`;
        return fail(failure('AUTH_METHOD_UNSUPPORTED', `${s.host}:${s.port} does not offer ${s.authMethod}; it offers ${server.authMethods.join(', ')}`, { hint }), { server });
      }
      reached = 'auth';
      onStage('auth');
      if (isXoauth2(conn)) {
        // A fresh token proves the app's sign-in; the server's 235 proves Exchange accepts it for the mailbox.
        await oauth.login(connection, conn, user);
        return done({ ok: true, stage: 'done', message: `Connected to ${s.host}:${s.port} over TLS, signed in to tenant ${s.tenantId} as app ${s.clientId}, and authenticated as ${user} with XOAUTH2`, server });
      }
      await new Promise<void>((resolve, reject) => {
        connection.login({ user, pass: conn.secrets.password ?? '', method: s.authMethod }, (err) => (err ? reject(err) : resolve()));
      });
      return done({ ok: true, stage: 'done', message: `Connected to ${s.host}:${s.port} over TLS and logged in as ${user} with ${s.authMethod}`, server });
    } catch (err) {
      if (err instanceof SendFailure) return fail(err.failure);
      last = classifySmtpError(err, { ...ctx, reached });
      if (isXoauth2(conn) && reached === 'auth') last = exchangeAuthFailure(last, `${s.host}:${s.port}`, effectiveUser(s)!);
      // Another address of the same host may work; anything past connecting will not differ.
      if (!(last.stage === 'connect' && (last.code === 'CONNECTION_REFUSED' || last.code === 'CONNECTION_TIMEOUT'))) break;
    } finally {
      connection.removeAllListeners('error');
      connection.on('error', () => {});
      try {
        connection.quit();
      } catch {
        connection.close();
      }
    }
  }
  return fail(last!);
}
