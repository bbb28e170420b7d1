import { expect } from 'chai';
import { classifyFetchError, classifyGraphResponse, classifyTokenResponse } from '../../connector/providers/microsoft365/classify-microsoft.js';
import { classifySmtpError, type FailureContext } from '../../connector/providers/smtp/classify-smtp.js';
import { retryAfterHeaderMs } from '../../connector/delivery/retry.js';
import { failure, FAILURES, type Failure, type FailureCode, type Stage } from '../../connector/failures.js';

/** design.md "Errors": every failure code, with its stage, whether it is transient and whether it is the connection's fault. */
const CONTRACT: Record<string, [Stage, boolean, boolean]> = {
  DNS_LOOKUP_FAILED: ['dns', false, true],
  CONNECTION_REFUSED: ['connect', true, true],
  CONNECTION_TIMEOUT: ['connect', true, true],
  TLS_FAILED: ['tls', false, true],
  STARTTLS_UNAVAILABLE: ['tls', false, true],
  AUTH_FAILED: ['auth', false, true],
  AUTH_METHOD_UNSUPPORTED: ['auth', false, true],
  OAUTH_FAILED: ['auth', false, true],
  PERMISSION_MISSING: ['auth', false, true],
  SENDER_REJECTED: ['send', false, false],
  RECIPIENT_REJECTED: ['send', false, false],
  RECIPIENT_DEFERRED: ['send', true, false],
  MESSAGE_REJECTED: ['send', false, false],
  MESSAGE_TOO_LARGE: ['send', false, false],
  THROTTLED: ['send', true, false],
  SERVER_ERROR: ['send', true, false],
  OUTCOME_UNKNOWN: ['send', true, false],
  WORKER_LOST: ['send', true, false],
  ALL_RECIPIENTS_SUPPRESSED: ['send', false, false],
  // Codes the delivery path raised before the catalogue existed.
  SECRET_UNREADABLE: ['auth', false, true],
  HOST_NOT_ALLOWED: ['dns', false, false],
  PORT_NOT_ALLOWED: ['connect', false, false],
  CONNECTION_NOT_FOUND: ['connect', false, false],
  INTERNAL: ['send', true, false],
};

describe('failures: the catalogue', () => {
  for (const [code, [stage, transient, connectionFault]] of Object.entries(CONTRACT)) {
    it(`${code}: ${stage}, ${transient ? 'transient' : 'permanent'}, ${connectionFault ? 'the connection\'s fault' : 'not the connection\'s fault'}, with a hint`, () => {
      expect(FAILURES).to.have.property(code);
      const made = failure(code as FailureCode, 'what happened');
      expect(made).to.include({ code, stage, transient, connectionFault, message: 'what happened' });
      expect(made.hint).to.be.a('string').with.length.above(10);
    });
  }
  it('holds no code the contract does not list', () => {
    expect(Object.keys(FAILURES).sort()).to.deep.equal(Object.keys(CONTRACT).sort());
  });
  it('the factory takes explicit overrides and reads a delay the reply asked for, once', () => {
    const f = failure('SENDER_REJECTED', 'x', { transient: true, stage: 'auth', hint: 'h', responseCode: 451, reply: '451 4.7.1 try again in 3 seconds' });
    expect(f).to.deep.equal({ code: 'SENDER_REJECTED', stage: 'auth', message: 'x', hint: 'h', transient: true, connectionFault: false, responseCode: 451, reply: '451 4.7.1 try again in 3 seconds', retryAfterMs: 3000 });
    expect(failure('THROTTLED', 'x', { retryAfterMs: 500, reply: 'Retry-After: 9' }).retryAfterMs, 'an explicit delay wins').to.equal(500);
    expect(failure('SERVER_ERROR', 'x')).to.not.have.any.keys('responseCode', 'reply', 'outcomeUnknown', 'retryAfterMs');
  });
});

const ctx: FailureContext = { host: 'smtp.example.test', port: 587, secure: false, reached: 'send' };
const smtpErr = (fields: Record<string, unknown>, message = 'failed') => {
  const e = Object.assign(new Error(message), fields) as Error & { response?: string; responseCode?: number };
  // nodemailer copies the reply into `response` and its code into `responseCode`.
  if (typeof fields.response === 'string' && fields.responseCode === undefined) e.responseCode = Number(fields.response.slice(0, 3));
  return e;
};
const reply = (command: string, response: string, code = 'EENVELOPE', message?: string) => smtpErr({ code, command, response }, message);

interface Row {
  name: string;
  err: Error;
  ctx?: Partial<FailureContext>;
  expect: Partial<Failure>;
  hint?: RegExp;
}

/** Every nodemailer error code the SMTP provider can meet, and each reply class at each step. */
const SMTP_TABLE: Row[] = [
  // Connecting.
  { name: 'EDNS ENOTFOUND', err: smtpErr({ code: 'EDNS', originalCode: 'ENOTFOUND' }), expect: { code: 'DNS_LOOKUP_FAILED', stage: 'dns', transient: false, connectionFault: true } },
  { name: 'EDNS EAI_AGAIN (the resolver could not answer now)', err: smtpErr({ code: 'EDNS', originalCode: 'EAI_AGAIN' }), expect: { code: 'DNS_LOOKUP_FAILED', stage: 'dns', transient: true } },
  { name: 'ECONNECTION ECONNREFUSED', err: smtpErr({ code: 'ECONNECTION', originalCode: 'ECONNREFUSED', command: 'CONN' }), expect: { code: 'CONNECTION_REFUSED', stage: 'connect', transient: true, connectionFault: true } },
  { name: 'ESOCKET ECONNREFUSED', err: smtpErr({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), expect: { code: 'CONNECTION_REFUSED', stage: 'connect' } },
  { name: 'ETIMEDOUT CONNECT_TIMEOUT', err: smtpErr({ code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT', command: 'CONN' }), expect: { code: 'CONNECTION_TIMEOUT', stage: 'connect', transient: true, connectionFault: true } },
  { name: 'ETIMEDOUT GREETING_TIMEOUT on a plain port 465', err: smtpErr({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }), ctx: { port: 465 }, expect: { code: 'CONNECTION_TIMEOUT', stage: 'connect' }, hint: /turn Secure on/ },
  { name: 'ETIMEDOUT GREETING_TIMEOUT with Secure on', err: smtpErr({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }), ctx: { secure: true }, expect: { code: 'TLS_FAILED', stage: 'tls' }, hint: /turn Secure off/ },
  { name: 'ETIMEDOUT UPGRADE_TIMEOUT', err: smtpErr({ code: 'ETIMEDOUT', timeoutType: 'UPGRADE_TIMEOUT' }), expect: { code: 'TLS_FAILED', stage: 'tls', transient: true } },
  { name: 'ETIMEDOUT SOCKET_TIMEOUT before the final dot', err: smtpErr({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }), expect: { code: 'CONNECTION_TIMEOUT', stage: 'send', transient: true } },
  { name: 'ETIMEDOUT SOCKET_TIMEOUT after the final dot', err: smtpErr({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }), ctx: { handedOver: true }, expect: { code: 'OUTCOME_UNKNOWN', stage: 'send', transient: true, outcomeUnknown: true } },
  { name: 'ECONNECTION closed before the final dot', err: smtpErr({ code: 'ECONNECTION', command: 'CONN' }, 'Connection closed unexpectedly'), expect: { code: 'SERVER_ERROR', stage: 'send', transient: true, connectionFault: false } },
  { name: 'ECONNECTION closed after the final dot', err: smtpErr({ code: 'ECONNECTION', command: 'CONN' }, 'Connection closed unexpectedly'), ctx: { handedOver: true }, expect: { code: 'OUTCOME_UNKNOWN', outcomeUnknown: true } },
  { name: 'ESOCKET ECONNRESET', err: smtpErr({ code: 'ESOCKET', originalCode: 'ECONNRESET', command: 'CONN' }), expect: { code: 'SERVER_ERROR', transient: true, connectionFault: false } },
  { name: 'EPROTOCOL: a reply line past the size limit', err: smtpErr({ code: 'EPROTOCOL', command: 'CONN' }, 'Server response exceeds maximum allowed size'), expect: { code: 'SERVER_ERROR', transient: true, connectionFault: false } },
  // Greeting.
  { name: '421 greeting', err: reply('CONN', '421 4.7.0 Too many connections, try again in 5 seconds', 'EPROTOCOL'), expect: { code: 'THROTTLED', stage: 'connect', transient: true, connectionFault: false, responseCode: 421, retryAfterMs: 5000 } },
  { name: '554 greeting', err: reply('CONN', '554 5.7.1 No SMTP service here', 'EPROTOCOL'), expect: { code: 'CONNECTION_REFUSED', stage: 'connect', transient: false, connectionFault: true, responseCode: 554 } },
  { name: '421 on close during the session', err: reply('CONN', '421 4.4.2 Idle timeout', 'ECONNECTION'), expect: { code: 'THROTTLED', transient: true } },
  { name: '421 to EHLO', err: reply('EHLO', '421 4.3.2 Shutting down', 'ECONNECTION'), expect: { code: 'THROTTLED', stage: 'connect' } },
  // TLS.
  { name: 'ETLS: STARTTLS refused by the server', err: reply('STARTTLS', '502 5.5.1 Not supported', 'ETLS', 'Error upgrading connection with STARTTLS'), expect: { code: 'STARTTLS_UNAVAILABLE', stage: 'tls', transient: false, connectionFault: true } },
  { name: 'ETLS: 454 to STARTTLS', err: reply('STARTTLS', '454 4.7.0 TLS not available due to temporary reason', 'ETLS', 'Error upgrading connection with STARTTLS'), expect: { code: 'THROTTLED', stage: 'tls', transient: true } },
  { name: 'ETLS: an untrusted certificate', err: smtpErr({ code: 'ETLS', command: 'CONN' }, 'Error initiating TLS - self-signed certificate in certificate chain'), expect: { code: 'TLS_FAILED', stage: 'tls', transient: false, connectionFault: true }, hint: /CA certificate/ },
  { name: 'ESOCKET EPROTO (Secure on a STARTTLS port)', err: smtpErr({ code: 'ESOCKET', originalCode: 'EPROTO' }), ctx: { secure: true }, expect: { code: 'TLS_FAILED', stage: 'tls' }, hint: /turn Secure off/ },
  { name: 'ESOCKET ERR_SSL_WRONG_VERSION_NUMBER', err: smtpErr({ code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }), expect: { code: 'TLS_FAILED' } },
  { name: 'ESOCKET CERT_HAS_EXPIRED', err: smtpErr({ code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' }), expect: { code: 'TLS_FAILED' }, hint: /CA certificate/ },
  { name: 'EREQUIRETLS', err: smtpErr({ code: 'EREQUIRETLS', command: 'MAIL FROM' }), expect: { code: 'TLS_FAILED', connectionFault: true } },
  // Authentication.
  { name: 'EAUTH 535', err: reply('AUTH PLAIN', '535 5.7.8 Authentication credentials invalid', 'EAUTH'), expect: { code: 'AUTH_FAILED', stage: 'auth', transient: false, connectionFault: true } },
  { name: 'EAUTH 454', err: reply('AUTH LOGIN', '454 4.7.0 Temporary authentication failure', 'EAUTH'), expect: { code: 'THROTTLED', stage: 'auth', transient: true, connectionFault: false } },
  { name: 'EAUTH 4xx other than 421/454', err: reply('AUTH PLAIN', '432 4.7.12 A password transition is needed', 'EAUTH'), expect: { code: 'AUTH_FAILED', transient: true } },
  { name: 'EAUTH 504', err: reply('AUTH PLAIN', '504 5.5.4 Unrecognized authentication type', 'EAUTH'), expect: { code: 'AUTH_METHOD_UNSUPPORTED', stage: 'auth', transient: false } },
  { name: 'EAUTH without a reply (missing credentials)', err: smtpErr({ code: 'EAUTH', command: 'API' }, 'Missing credentials for "PLAIN"'), expect: { code: 'AUTH_FAILED', stage: 'auth', transient: false } },
  { name: 'ENOAUTH', err: smtpErr({ code: 'ENOAUTH' }, 'Authentication info was not provided'), expect: { code: 'AUTH_FAILED', stage: 'auth' } },
  { name: 'EOAUTH2', err: smtpErr({ code: 'EOAUTH2' }, 'Invalid client secret'), expect: { code: 'OAUTH_FAILED', stage: 'auth', connectionFault: true } },
  // MAIL FROM.
  { name: '553 at MAIL FROM', err: reply('MAIL FROM', '553 5.7.1 Sender address rejected: not owned by user'), expect: { code: 'SENDER_REJECTED', stage: 'send', transient: false, connectionFault: false } },
  { name: '451 at MAIL FROM', err: reply('MAIL FROM', '451 4.3.0 Temporary lookup failure'), expect: { code: 'SENDER_REJECTED', transient: true } },
  { name: '421 at MAIL FROM', err: reply('MAIL FROM', '421 4.7.0 Too many messages, slow down'), expect: { code: 'THROTTLED', stage: 'send', transient: true } },
  { name: '552 at MAIL FROM (SIZE)', err: reply('MAIL FROM', '552 5.3.4 Error: message exceeds fixed maximum message size'), expect: { code: 'MESSAGE_TOO_LARGE', stage: 'send', transient: false } },
  { name: 'EMESSAGE at MAIL FROM (over the announced SIZE)', err: smtpErr({ code: 'EMESSAGE', command: 'MAIL FROM' }, 'Message size larger than allowed 1000'), expect: { code: 'MESSAGE_TOO_LARGE' } },
  // RCPT TO.
  { name: '550 at RCPT', err: reply('RCPT TO', '550 5.1.1 User unknown'), expect: { code: 'RECIPIENT_REJECTED', stage: 'send', transient: false, connectionFault: false } },
  { name: '451 at RCPT (greylisting)', err: reply('RCPT TO', '451 4.7.1 Greylisted, try again in 2 minutes'), expect: { code: 'RECIPIENT_DEFERRED', stage: 'send', transient: true, connectionFault: false, retryAfterMs: 120_000 }, hint: /greylisting/ },
  { name: '452 at RCPT', err: reply('RCPT TO', '452 4.2.2 Mailbox full'), expect: { code: 'RECIPIENT_DEFERRED', transient: true } },
  { name: '421 at RCPT', err: reply('RCPT TO', '421 4.7.0 Rate limited'), expect: { code: 'THROTTLED', transient: true } },
  { name: '454 at RCPT', err: reply('RCPT TO', '454 4.7.1 Relay access denied for now'), expect: { code: 'THROTTLED' } },
  { name: 'EMAXRECIPIENTS', err: smtpErr({ code: 'EMAXRECIPIENTS' }, 'Too many recipients'), expect: { code: 'MESSAGE_REJECTED', transient: true } },
  // DATA.
  { name: '554 after DATA', err: reply('DATA', '554 5.7.1 Message rejected as spam', 'EMESSAGE'), expect: { code: 'MESSAGE_REJECTED', stage: 'send', transient: false, connectionFault: false } },
  { name: '451 after DATA', err: reply('DATA', '451 4.3.0 Try later', 'EMESSAGE'), expect: { code: 'MESSAGE_REJECTED', transient: true }, hint: /try again later/ },
  { name: '421 after DATA', err: reply('DATA', '421 4.4.5 Server busy, retry-after: 30', 'EMESSAGE'), expect: { code: 'THROTTLED', transient: true, retryAfterMs: 30_000 } },
  { name: '552 after DATA', err: reply('DATA', '552 5.3.4 Message too big', 'EMESSAGE'), expect: { code: 'MESSAGE_TOO_LARGE', transient: false } },
  { name: '554 to the DATA command', err: reply('DATA', '554 5.5.1 No valid recipients'), expect: { code: 'MESSAGE_REJECTED', transient: false } },
];

describe('failures: SMTP errors read onto the catalogue', () => {
  for (const row of SMTP_TABLE) {
    it(row.name, () => {
      const f = classifySmtpError(row.err, { ...ctx, ...row.ctx });
      expect(f, JSON.stringify(f)).to.include(row.expect);
      expect(f.message).to.be.a('string').and.not.be.empty;
      if (row.hint) expect(f.hint).to.match(row.hint);
      // Whatever the reader picked, the catalogue decides what a code means unless the reply overrides it.
      expect(FAILURES).to.have.property(f.code);
    });
  }
});

describe('failures: Microsoft\'s answers read onto the catalogue', () => {
  const graph = (status: number, code: string, retryAfter: string | null = null) => classifyGraphResponse(status, JSON.stringify({ error: { code, message: `${code} said` } }), retryAfter, 'robot@contoso.test');
  const rows: Array<[string, Failure, Partial<Failure>]> = [
    ['Graph 429 with Retry-After: 7', graph(429, 'ApplicationThrottled', '7'), { code: 'THROTTLED', stage: 'send', transient: true, connectionFault: false, responseCode: 429, retryAfterMs: 7000 }],
    ['Graph 503', graph(503, 'ServiceUnavailable'), { code: 'SERVER_ERROR', transient: true, connectionFault: true }],
    ['Graph 500', graph(500, 'InternalServerError'), { code: 'SERVER_ERROR', transient: true, connectionFault: true }],
    ['Graph 401', graph(401, 'InvalidAuthenticationToken'), { code: 'OAUTH_FAILED', stage: 'auth', transient: false, connectionFault: true }],
    ['Graph 403', graph(403, 'ErrorAccessDenied'), { code: 'SENDER_REJECTED', transient: false }],
    ['Graph 404', graph(404, 'ErrorInvalidUser'), { code: 'SENDER_REJECTED', transient: false }],
    ['Graph 413', graph(413, 'RequestEntityTooLarge'), { code: 'MESSAGE_TOO_LARGE', transient: false }],
    ['Graph 400', graph(400, 'ErrorInvalidRecipients'), { code: 'MESSAGE_REJECTED', transient: false, connectionFault: false }],
    ['token 401 AADSTS7000215', classifyTokenResponse(401, JSON.stringify({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' })), { code: 'OAUTH_FAILED', stage: 'auth', transient: false, connectionFault: true }],
    ['token 429', classifyTokenResponse(429, '{}', [], '3'), { code: 'THROTTLED', stage: 'auth', transient: true, retryAfterMs: 3000 }],
    ['token 503', classifyTokenResponse(503, 'unavailable'), { code: 'OAUTH_FAILED', transient: true }],
    ['sign-in unreachable', classifyFetchError('auth', 'the Microsoft sign-in service', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })), { code: 'CONNECTION_REFUSED', stage: 'auth', transient: true, connectionFault: true }],
    ['Graph timed out after the request', classifyFetchError('send', 'Microsoft Graph', Object.assign(new Error('timeout'), { name: 'TimeoutError' })), { code: 'OUTCOME_UNKNOWN', outcomeUnknown: true }],
  ];
  for (const [name, f, want] of rows) {
    it(name, () => {
      expect(f, JSON.stringify(f)).to.include(want);
      expect(f.hint).to.be.a('string').and.not.be.empty;
    });
  }
  it('the AADSTS code picks the hint; the Retry-After header stays in the reply a person reads', () => {
    expect(classifyTokenResponse(401, JSON.stringify({ error_description: 'AADSTS7000222: The provided client secret keys are expired.' })).hint).to.match(/expired/);
    expect(graph(429, 'ApplicationThrottled', '7').reply).to.match(/ApplicationThrottled.*Retry-After: 7/);
  });
  it('Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3)', () => {
    const now = Date.parse('2026-11-30T03:00:00Z');
    expect(retryAfterHeaderMs('120', now)).to.equal(120_000);
    expect(retryAfterHeaderMs('Mon, 30 Nov 2026 03:00:30 GMT', now)).to.equal(30_000);
    expect(retryAfterHeaderMs('soon', now)).to.equal(undefined);
    expect(retryAfterHeaderMs(null, now)).to.equal(undefined);
  });
});
