/**
 * The one place where SMTP failures are read (the SMTP provider's error mapping onto the catalogue). nodemailer reports them with `code` (ECONNECTION,
 * ETIMEDOUT, ETLS, EAUTH, EENVELOPE, …), `originalCode` (the system error behind it, such as
 * ECONNREFUSED), `timeoutType`, `command` (what was in flight) and `responseCode` (the SMTP
 * reply). Matching on `command` instead of `code` is a classic mistake: `command` holds CONN.
 * Every failure is made by the catalogue's factory (./failures.ts); this file only picks the code.
 */
import { failure, scrub, type Failure, type FailureCode, type Stage } from '../../failures.js';

// Callers import the failure types from here, beside the readers that make them.
export type { Failure, FailureCode, Stage };

/** What the classifier needs to know about the connection that failed. */
export interface FailureContext {
  host: string;
  port: number;
  secure: boolean;
  /** The furthest stage the caller knows it reached, used when the error does not tell. */
  reached?: Stage;
  /** Strings that must never appear in a message (the password). */
  secrets?: string[];
  /** The whole message, final dot included, was handed to the connection before it failed. */
  handedOver?: boolean;
}

interface SmtpLikeError extends Error {
  code?: string;
  originalCode?: string;
  timeoutType?: string;
  command?: string;
  responseCode?: number;
  response?: string;
}

/**
 * Certificate verification failures, as OpenSSL names them on `err.code` (Node copies them there;
 * nodemailer keeps them in `originalCode`). Matched exactly: a pattern over the message text also
 * matched EPROTOCOL (nodemailer's protocol errors) as EPROTO.
 */
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A TLS failure by its code: EPROTO (a handshake the peer broke off), OpenSSL's ERR_SSL_…, Node's ERR_TLS_…, or a certificate code. */
function isTlsCode(code: string | undefined): boolean {
  if (!code) return false;
  return code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || CERT_CODES.has(code);
}

/**
 * nodemailer rewraps a failed STARTTLS upgrade as a new ETLS error ("Error initiating TLS - …"),
 * dropping the code; only then, with the failure already known to be TLS, is the text read.
 */
const ETLS_CERT_TEXT = /certificate|self[- ]signed|altname|unable to (?:get|verify)/i;

/**
 * Why a certificate is not trusted, in words for people; OpenSSL's own text goes to `detail`.
 * By the code Node copies from OpenSSL (X509_V_ERR_… without the prefix), else by the text of a
 * STARTTLS failure nodemailer rewrapped without it.
 */
function certProblem(e: SmtpLikeError): string {
  const code = CERT_CODES.has(e.originalCode ?? '') ? e.originalCode! : CERT_CODES.has(e.code ?? '') ? e.code! : '';
  const text = e.message ?? '';
  if (/SELF_SIGNED/.test(code) || /self[- ]signed/i.test(text)) return code === 'SELF_SIGNED_CERT_IN_CHAIN' || /in certificate chain/i.test(text) ? 'it is signed by a self-signed authority Envoi does not know' : 'it is self-signed';
  if (code === 'CERT_HAS_EXPIRED' || /expired/i.test(text)) return 'it has expired';
  if (code === 'CERT_NOT_YET_VALID' || /not yet valid/i.test(text)) return 'it is not valid yet';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH' || /altname|host ?name/i.test(text)) return 'it was issued for another host name';
  if (code === 'CERT_REVOKED') return 'it has been revoked';
  if (/UNABLE_TO_(GET_ISSUER|VERIFY_LEAF)/.test(code) || /unable to (get|verify)/i.test(text)) return 'it is signed by an authority Envoi does not know';
  return 'it could not be verified';
}

/** nodemailer's EPROTOCOL for a reply line past its size limit (smtp-connection `_onResponseTooLarge`). */
const RESPONSE_TOO_LARGE = 'Server response exceeds maximum allowed size';

/** Failures of the connection itself: after a handed-over message they leave its fate unknown. */
const LINK_FAILURES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT']);

function reply(e: SmtpLikeError, secrets?: string[]): string | undefined {
  return e.response ? scrub(String(e.response).trim(), secrets) : undefined;
}

/**
 * The reply code of an SMTP reply line: its first three digits (RFC 5321 §4.2). Read once, where
 * the SMTP provider receives the line; from then on the code travels beside it.
 */
export function smtpReplyCode(line: string | undefined): number | undefined {
  const n = Number((line ?? '').slice(0, 3));
  return Number.isInteger(n) && n >= 200 && n < 600 ? n : undefined;
}

/** The stage a reply to `command` belongs to. */
function stageOfCommand(command: string | undefined, fallback: Stage): Stage {
  if (command === 'CONN' || command === 'EHLO' || command === 'HELO' || command === 'LHLO') return 'connect';
  if (command === 'STARTTLS') return 'tls';
  if (command?.startsWith('AUTH')) return 'auth';
  if (command === 'MAIL FROM' || command === 'RCPT TO' || command === 'DATA') return 'send';
  return fallback;
}

/** Classifies an SMTP error into a stable failure code, a stage and a hint a person can act on. */
export function classifySmtpError(err: unknown, ctx: FailureContext): Failure {
  const e = (err ?? {}) as SmtpLikeError;
  const sys = e.originalCode ?? e.code ?? '';
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const serverReply = reply(e, ctx.secrets);
  const said = serverReply ? `: ${serverReply}` : '';
  const where = `${ctx.host}:${ctx.port}`;
  // A 4xx reply (or none: a reset, a timeout) may succeed later; a 5xx will not (RFC 5321 §4.2.1).
  const transient = rc !== undefined ? rc >= 400 && rc < 500 : true;
  const base = { responseCode: rc, reply: serverReply };

  if (ctx.handedOver && rc === undefined && LINK_FAILURES.has(e.code ?? '')) {
    // RFC 5321 §4.1.1.4: the server takes responsibility with its reply to the final dot. It
    // received the whole message; the reply was lost, so the mail may or may not be on its way.
    return failure('OUTCOME_UNKNOWN', `${where} received the whole message but ${e.code === 'ETIMEDOUT' ? 'did not answer in time' : 'closed the connection before answering'}; it may have accepted it`, { outcomeUnknown: true, ...base });
  }
  if (e.code === 'EPROTOCOL' && !rc && (e.message ?? '').startsWith(RESPONSE_TOO_LARGE)) {
    // A reply line longer than nodemailer keeps: the server misbehaved, the connection's settings did not.
    return failure('SERVER_ERROR', `${where} sent a reply longer than an SMTP client accepts`, { stage: ctx.reached ?? 'send', ...base });
  }
  if (e.code === 'EDNS' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' || sys === 'ENODATA') {
    // EAI_AGAIN: the resolver could not answer now, not "no such name".
    return failure('DNS_LOOKUP_FAILED', `${ctx.host} could not be resolved`, { transient: sys === 'EAI_AGAIN', ...base });
  }
  if (sys === 'ECONNREFUSED') {
    return failure('CONNECTION_REFUSED', `${where} refused the connection`, { hint: `Check the host and port: nothing accepts SMTP connections on port ${ctx.port} there.`, ...base });
  }
  if (e.code === 'ETIMEDOUT' || sys === 'ETIMEDOUT') return timeout(e, ctx, where, base);
  if (rc === 421 || rc === 454) {
    // 421: service not available, closing the channel (RFC 5321 §4.2.3); 454: a temporary refusal
    // of AUTH or STARTTLS (RFC 4954 §6, RFC 3207 §4). Servers say both to slow a client down.
    return failure('THROTTLED', `${where} is busy or limits this client for now${said}`, { stage: stageOfCommand(e.command, ctx.reached ?? 'connect'), ...base });
  }
  if (e.code === 'ETLS' && e.command === 'STARTTLS' && /upgrading/i.test(e.message ?? '')) {
    return failure('STARTTLS_UNAVAILABLE', `${where} does not offer STARTTLS, so the credentials would cross the network in clear`, base);
  }
  if (e.code === 'EREQUIRETLS' || e.code === 'ETLS' || (!rc && e.code !== 'EAUTH' && (isTlsCode(e.originalCode) || isTlsCode(e.code)))) {
    if (CERT_CODES.has(e.originalCode ?? '') || CERT_CODES.has(e.code ?? '') || (e.code === 'ETLS' && ETLS_CERT_TEXT.test(e.message ?? ''))) {
      return failure('TLS_FAILED', `The certificate of ${where} is not trusted: ${certProblem(e)}`, {
        hint: 'Add the server\'s CA certificate to the connection (private CAs), check the host name matches the certificate, or for a test server only allow invalid certificates.',
        detail: scrub(e.message ?? '', ctx.secrets), ...base,
      });
    }
    return failure('TLS_FAILED', `The secure (TLS) connection to ${where} could not be set up`, {
      detail: scrub(e.message ?? '', ctx.secrets),
      hint: ctx.secure
        ? `Port ${ctx.port} seems to expect STARTTLS: turn Secure off or use port 465.`
        : 'The server offered STARTTLS but the upgrade failed; check its TLS setup or try port 465 with Secure on.',
      ...base,
    });
  }
  if (e.code === 'EOAUTH2') {
    return failure('OAUTH_FAILED', scrub(`The OAuth2 token for ${where} could not be obtained (${e.message})`, ctx.secrets), base);
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || /^AUTH/.test(e.command ?? '')) {
    if (rc === 504 || rc === 502 || /unrecognized authentication|not supported|unsupported/i.test(serverReply ?? '')) {
      return failure('AUTH_METHOD_UNSUPPORTED', `${where} does not accept this authentication method${said}`, base);
    }
    if (rc !== undefined && rc >= 400 && rc < 500) {
      return failure('AUTH_FAILED', `${where} could not check the credentials right now${said}`, { transient: true, hint: 'Try again in a few minutes.', ...base });
    }
    return failure('AUTH_FAILED', `${where} rejected the user name or password${said}`, base);
  }
  if ((rc === 552 && (e.command === 'MAIL FROM' || e.command === 'DATA')) || (e.code === 'EMESSAGE' && e.command === 'MAIL FROM' && rc === undefined)) {
    // RFC 1870 §6.1: 552 to MAIL FROM … SIZE= (or to the data) is the server's size limit;
    // nodemailer refuses early (EMESSAGE at MAIL FROM) when the server announced a smaller SIZE.
    return failure('MESSAGE_TOO_LARGE', `${where} refused the message as too large${said}`, base);
  }
  if (e.command === 'MAIL FROM') {
    return failure('SENDER_REJECTED', `${where} refused the sender address${said}`, { transient, ...base });
  }
  if (e.command === 'RCPT TO' || (e.code === 'EENVELOPE' && rc !== undefined && e.command !== 'DATA')) {
    // A 4xx at RCPT is a deferral (greylisting, a full mailbox for now), not a refusal.
    if (transient && rc !== undefined) return failure('RECIPIENT_DEFERRED', `${where} deferred the recipients${said}`, base);
    return failure('RECIPIENT_REJECTED', `${where} refused the recipients${said}`, { transient, ...base });
  }
  if (e.command === 'DATA' || e.code === 'EMESSAGE' || e.code === 'EMAXRECIPIENTS') {
    return failure('MESSAGE_REJECTED', `${where} refused the message${said}`, { transient, ...(transient ? { hint: 'The server asked to try again later; the mail is retried.' } : {}), ...base });
  }
  if (e.command === 'CONN' && rc !== undefined) {
    // A greeting other than 220 (and not 421): the server is up but turns connections away (554).
    return failure('CONNECTION_REFUSED', `${where} turned the connection away${said}`, { transient, hint: 'The server refuses this client; ask its administrator.', ...base });
  }
  if (sys === 'ECONNRESET' || e.code === 'ECONNECTION' || e.code === 'ESOCKET' || sys === 'EPIPE') {
    return failure('SERVER_ERROR', `The connection to ${where} was closed unexpectedly (${scrub(e.message ?? sys, ctx.secrets)})`, {
      stage: ctx.reached ?? 'connect', hint: 'Try again; if it keeps happening, check the port and Secure setting.', ...base,
    });
  }
  return failure('SERVER_ERROR', scrub(`${where}: ${e.message ?? String(err)}`, ctx.secrets), {
    stage: ctx.reached ?? 'connect', transient, hint: transient ? 'Try again later.' : 'Read the server\'s reply: it says why.', ...base,
  });
}

/** nodemailer's ETIMEDOUT, by its timeoutType (CONNECT_TIMEOUT, GREETING_TIMEOUT, UPGRADE_TIMEOUT, SOCKET_TIMEOUT). */
function timeout(e: SmtpLikeError, ctx: FailureContext, where: string, base: { responseCode?: number | undefined; reply?: string | undefined }): Failure {
  if (e.timeoutType === 'GREETING_TIMEOUT' && !ctx.secure) {
    return failure('CONNECTION_TIMEOUT', `${where} accepted the connection but sent no SMTP greeting`, {
      hint: ctx.port === 465 ? 'Port 465 expects TLS from the first byte: turn Secure on.' : 'If this server expects TLS from the first byte (usually port 465), turn Secure on; otherwise check the port.',
      ...base,
    });
  }
  if (e.timeoutType === 'GREETING_TIMEOUT' || e.timeoutType === 'UPGRADE_TIMEOUT') {
    // Secure on a STARTTLS port, or a server too slow to finish the handshake: the hint names the
    // first, the retry covers the second.
    return failure('TLS_FAILED', `The TLS handshake with ${where} did not finish in time`, {
      transient: true,
      hint: ctx.secure ? `Port ${ctx.port} may expect STARTTLS: turn Secure off or use port 465.` : 'Check that the server supports TLS on this port.',
      ...base,
    });
  }
  const stage: Stage = e.timeoutType === 'SOCKET_TIMEOUT' ? ctx.reached ?? 'send' : 'connect';
  return failure('CONNECTION_TIMEOUT', `${where} did not answer in time`, { stage, ...base });
}
