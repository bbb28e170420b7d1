import { expect } from 'chai';
import { classifySmtpError } from '../../connector/providers/smtp/classify-smtp.js';
import type { ResolvedConnection } from '../../connector/connections.js';
import { smtpTransportOptions } from '../../connector/providers/smtp/smtp-options.js';

const timeouts = { smtpTimeouts: { connection: 1000, greeting: 1000, socket: 1000, dns: 1000 } };
const conn = (settings: Record<string, unknown>, password?: string): ResolvedConnection => ({
  id: 'c1', scope: 'platform', name: 'c', provider: 'smtp', isDefault: false, version: 1, createdAt: '', updatedAt: '', secretFields: [], health: { status: 'ok' }, fallback: null,
  settings: { senderEmail: 's@envoi.test', host: 'smtp.example.com', port: 587, secure: false, authMethod: 'NONE', ...settings } as ResolvedConnection['settings'],
  secrets: password ? { password } : {},
});

describe('SMTP option mapping', () => {
  it('with a user, STARTTLS is required and the login is forced, never skipped', () => {
    const o = smtpTransportOptions(conn({ authMethod: 'PLAIN', user: 'u' }, 'pw'), '93.184.216.34', timeouts, true);
    expect(o).to.include({ requireTLS: true, forceAuth: true, authMethod: 'PLAIN', host: '93.184.216.34', servername: 'smtp.example.com', maxRequeues: 0 });
    expect(o.auth).to.deep.equal({ user: 'u', pass: 'pw' });
  });

  it('without a user there is no auth block and STARTTLS stays opportunistic', () => {
    const o = smtpTransportOptions(conn({}), '93.184.216.34', timeouts, false);
    expect(o.auth).to.equal(undefined);
    expect(o.requireTLS).to.equal(false);
  });

  it('certificates are verified unless the connection opts out; a CA is passed through', () => {
    expect(smtpTransportOptions(conn({}), '1.2.3.4', timeouts, false).tls).to.include({ rejectUnauthorized: true, servername: 'smtp.example.com' });
    expect(smtpTransportOptions(conn({ allowInvalidCertificates: true }), '1.2.3.4', timeouts, false).tls).to.include({ rejectUnauthorized: false });
    expect(smtpTransportOptions(conn({ caCertificate: 'PEM' }), '1.2.3.4', timeouts, false).tls).to.include({ ca: 'PEM' });
  });

  it('no message field may read a file or fetch a URL', () => {
    expect(smtpTransportOptions(conn({}), '1.2.3.4', timeouts, true)).to.include({ disableFileAccess: true, disableUrlAccess: true });
  });
});

describe('SMTP error classification', () => {
  const ctx = { host: 'h', port: 587, secure: false, secrets: ['pw-123'] };
  it('reads code and responseCode, not command text', () => {
    expect(classifySmtpError(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }), ctx)).to.include({ code: 'AUTH_FAILED', stage: 'auth', transient: false });
    expect(classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }), ctx)).to.include({ code: 'RECIPIENT_DEFERRED', transient: true });
    expect(classifySmtpError(Object.assign(new Error('x'), { code: 'EMESSAGE', responseCode: 554, command: 'DATA' }), ctx)).to.include({ code: 'MESSAGE_REJECTED', transient: false });
    expect(classifySmtpError(Object.assign(new Error('x'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), ctx)).to.include({ code: 'CONNECTION_REFUSED', transient: true });
  });
  it('never repeats a secret or an AUTH line in its message or reply', () => {
    const f = classifySmtpError(Object.assign(new Error('bad pw-123'), { code: 'EFOO', response: '500 AUTH PLAIN AHVzZXIAcHc= pw-123' }), ctx);
    expect(JSON.stringify(f)).not.to.include('pw-123');
    expect(JSON.stringify(f)).not.to.include('AHVzZXIAcHc=');
  });
});
