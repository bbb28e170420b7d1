import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { classifySmtpError } from './classify-smtp.js';
import { failure } from '../../failures.js';
import { effectiveUser } from './user.js';
import { vettedAddresses } from './smtp-host.js';
import { smtpTransportOptions } from './smtp-options.js';
/**
 * Tests a connection step by step: dns → connect → tls → auth → done. Unlike nodemailer's
 * verify(), a test with credentials only passes when the server really authenticated them
 * (verify() succeeds against a server that advertises no AUTH at all).
 */
export async function testSmtpConnection(conn, reach) {
    const started = Date.now();
    const s = conn.settings;
    const ctx = { host: s.host, port: s.port, secure: !!s.secure, secrets: [conn.secrets.password ?? ''] };
    const done = (r) => ({ ...r, durationMs: Date.now() - started });
    const fail = (f, extra = {}) => done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}), ...extra });
    const vetted = await vettedAddresses(conn, reach);
    if (!vetted.ok)
        return fail(vetted.failure);
    let last;
    for (const address of vetted.addresses) {
        const connection = new SMTPConnection(smtpTransportOptions(conn, address, reach.config, false));
        const internals = connection;
        let reached = 'connect';
        try {
            await new Promise((resolve, reject) => {
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
                return fail(failure('AUTH_METHOD_UNSUPPORTED', `${s.host}:${s.port} advertises no authentication, so the credentials cannot be checked`, { hint: 'Use the server\'s submission port (587 or 465), or choose authentication NONE if it relays without login.' }), { server });
            }
            if (!server.authMethods.includes(s.authMethod)) {
                return fail(failure('AUTH_METHOD_UNSUPPORTED', `${s.host}:${s.port} does not offer ${s.authMethod}; it offers ${server.authMethods.join(', ')}`, { hint: `Choose ${server.authMethods.find((m) => m === 'PLAIN' || m === 'LOGIN') ?? server.authMethods[0]} as the authentication method.` }), { server });
            }
            reached = 'auth';
            await new Promise((resolve, reject) => {
                connection.login({ user, pass: conn.secrets.password ?? '', method: s.authMethod }, (err) => (err ? reject(err) : resolve()));
            });
            return done({ ok: true, stage: 'done', message: `Connected to ${s.host}:${s.port} over TLS and logged in as ${user} with ${s.authMethod}`, server });
        }
        catch (err) {
            last = classifySmtpError(err, { ...ctx, reached });
            // Another address of the same host may work; anything past connecting will not differ.
            if (!(last.stage === 'connect' && (last.code === 'CONNECTION_REFUSED' || last.code === 'CONNECTION_TIMEOUT')))
                break;
        }
        finally {
            connection.removeAllListeners('error');
            connection.on('error', () => { });
            try {
                connection.quit();
            }
            catch {
                connection.close();
            }
        }
    }
    return fail(last);
}
//# sourceMappingURL=smtp-test.js.map