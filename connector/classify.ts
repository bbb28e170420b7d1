/**
 * The one place where SMTP failures are read. nodemailer reports them with `code` (ECONNECTION,
 * ETIMEDOUT, ETLS, EAUTH, EENVELOPE, …), `originalCode` (the system error behind it, such as
 * ECONNREFUSED), `timeoutType`, `command` (what was in flight) and `responseCode` (the SMTP
 * reply). Matching on `command` instead of `code` is a classic mistake: `command` holds CONN.
 */

export type Stage = 'dns' | 'connect' | 'tls' | 'auth' | 'send' | 'done';

export type FailureCode =
  | 'DNS_LOOKUP_FAILED'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_TIMEOUT'
  | 'TLS_FAILED'
  | 'STARTTLS_UNAVAILABLE'
  | 'AUTH_FAILED'
  | 'AUTH_METHOD_UNSUPPORTED'
  | 'OAUTH_FAILED'
  | 'SENDER_REJECTED'
  | 'RECIPIENT_REJECTED'
  | 'MESSAGE_REJECTED'
  | 'SERVER_ERROR';

export interface Failure {
  code: FailureCode;
  stage: Stage;
  message: string;
  hint: string;
  /** True when the same message may succeed later (4xx, resets, timeouts). */
  transient: boolean;
  responseCode?: number;
  /** The server's own reply line, when there was one. */
  reply?: string;
}

/** What the classifier needs to know about the connection that failed. */
export interface FailureContext {
  host: string;
  port: number;
  secure: boolean;
  /** The furthest stage the caller knows it reached, used when the error does not tell. */
  reached?: Stage;
  /** Strings that must never appear in a message (the password). */
  secrets?: string[];
}

interface SmtpLikeError extends Error {
  code?: string;
  originalCode?: string;
  timeoutType?: string;
  command?: string;
  responseCode?: number;
  response?: string;
}

const TLS_ERROR = /SSL|TLS|CERT|certificate|self[- ]signed|wrong version|EPROTO|alert|handshake|ALTNAME/i;
const CERT_ERROR = /CERT|certificate|self[- ]signed|ALTNAME|UNABLE_TO_VERIFY|unable to (get|verify)/i;

function scrub(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  // An AUTH PLAIN line echoed back would carry base64 credentials; never repeat one.
  return out.replace(/(AUTH\s+\S+\s+)\S+/gi, '$1[redacted]');
}

function reply(e: SmtpLikeError, secrets?: string[]): string | undefined {
  return e.response ? scrub(String(e.response).trim(), secrets) : undefined;
}

/** Classifies an SMTP error into a stable failure code, a stage and a hint a person can act on. */
export function classifySmtpError(err: unknown, ctx: FailureContext): Failure {
  const e = (err ?? {}) as SmtpLikeError;
  const sys = e.originalCode ?? e.code ?? '';
  const text = `${e.message ?? ''} ${sys}`;
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const serverReply = reply(e, ctx.secrets);
  const where = `${ctx.host}:${ctx.port}`;
  const transientReply = rc !== undefined ? rc >= 400 && rc < 500 : true;
  const base = { responseCode: rc, reply: serverReply };

  if (e.code === 'EDNS' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN' || sys === 'ENODATA') {
    return { code: 'DNS_LOOKUP_FAILED', stage: 'dns', transient: sys === 'EAI_AGAIN', message: `${ctx.host} could not be resolved`, hint: 'Check the host name for typos (e.g. smtp.gmail.com).', ...base };
  }
  if (sys === 'ECONNREFUSED') {
    return { code: 'CONNECTION_REFUSED', stage: 'connect', transient: true, message: `${where} refused the connection`, hint: `Check the host and port: nothing accepts SMTP connections on port ${ctx.port} there.`, ...base };
  }
  if (e.code === 'ETIMEDOUT' || sys === 'ETIMEDOUT') {
    if (e.timeoutType === 'GREETING_TIMEOUT' && !ctx.secure) {
      return {
        code: 'CONNECTION_TIMEOUT', stage: 'connect', transient: true,
        message: `${where} accepted the connection but sent no SMTP greeting`,
        hint: ctx.port === 465 ? 'Port 465 expects TLS from the first byte: turn Secure on.' : 'If this server expects TLS from the first byte (usually port 465), turn Secure on; otherwise check the port.',
        ...base,
      };
    }
    if (e.timeoutType === 'GREETING_TIMEOUT' || e.timeoutType === 'UPGRADE_TIMEOUT') {
      return { code: 'TLS_FAILED', stage: 'tls', transient: true, message: `The TLS handshake with ${where} did not finish in time`, hint: ctx.secure ? `Port ${ctx.port} may expect STARTTLS: turn Secure off or use port 465.` : 'Check that the server supports TLS on this port.', ...base };
    }
    const stage: Stage = e.timeoutType === 'SOCKET_TIMEOUT' ? ctx.reached ?? 'send' : 'connect';
    return { code: 'CONNECTION_TIMEOUT', stage, transient: true, message: `${where} did not answer in time`, hint: 'Check the host and port, and that a firewall lets Envoi reach the server.', ...base };
  }
  if (e.code === 'ETLS' && e.command === 'STARTTLS' && /upgrading/i.test(e.message ?? '')) {
    return {
      code: 'STARTTLS_UNAVAILABLE', stage: 'tls', transient: false,
      message: `${where} does not offer STARTTLS, so the credentials would cross the network in clear`,
      hint: 'Use the server\'s submission port (587 with STARTTLS, or 465 with Secure on), or choose authentication NONE for a relay without login.',
      ...base,
    };
  }
  if (e.code === 'ETLS' || (!rc && TLS_ERROR.test(text) && e.code !== 'EAUTH')) {
    if (CERT_ERROR.test(text)) {
      return {
        code: 'TLS_FAILED', stage: 'tls', transient: false,
        message: `The certificate of ${where} is not trusted (${e.message})`,
        hint: 'Add the server\'s CA certificate to the connection (private CAs), check the host name matches the certificate, or for a test server only allow invalid certificates.',
        ...base,
      };
    }
    return {
      code: 'TLS_FAILED', stage: 'tls', transient: false,
      message: `TLS with ${where} failed (${e.message})`,
      hint: ctx.secure
        ? `Port ${ctx.port} seems to expect STARTTLS: turn Secure off or use port 465.`
        : 'The server offered STARTTLS but the upgrade failed; check its TLS setup or try port 465 with Secure on.',
      ...base,
    };
  }
  if (e.code === 'EAUTH' || e.command === 'AUTH PLAIN' || e.command === 'AUTH LOGIN' || /^AUTH/.test(e.command ?? '')) {
    if (rc === 504 || rc === 502 || /unrecognized authentication|not supported|unsupported/i.test(serverReply ?? '')) {
      return { code: 'AUTH_METHOD_UNSUPPORTED', stage: 'auth', transient: false, message: `${where} does not accept this authentication method${serverReply ? `: ${serverReply}` : ''}`, hint: 'Choose the method the server offers (PLAIN or LOGIN).', ...base };
    }
    if (rc !== undefined && rc >= 400 && rc < 500) {
      return { code: 'AUTH_FAILED', stage: 'auth', transient: true, message: `${where} could not check the credentials right now${serverReply ? `: ${serverReply}` : ''}`, hint: 'Try again in a few minutes.', ...base };
    }
    return {
      code: 'AUTH_FAILED', stage: 'auth', transient: false,
      message: `${where} rejected the user name or password${serverReply ? `: ${serverReply}` : ''}`,
      hint: 'Check the user name and password; Gmail and Outlook need an app password when two-step verification is on.',
      ...base,
    };
  }
  if (e.command === 'MAIL FROM' || (e.code === 'EENVELOPE' && /MAIL FROM/i.test(e.message ?? ''))) {
    return {
      code: 'SENDER_REJECTED', stage: 'send', transient: transientReply,
      message: `${where} refused the sender address${serverReply ? `: ${serverReply}` : ''}`,
      hint: 'Use a sender email the account may send as (the login address or a verified alias or domain).',
      ...base,
    };
  }
  if (e.command === 'RCPT TO' || (e.code === 'EENVELOPE' && rc !== undefined)) {
    return { code: 'RECIPIENT_REJECTED', stage: 'send', transient: transientReply, message: `${where} refused the recipients${serverReply ? `: ${serverReply}` : ''}`, hint: 'Check the recipient addresses.', ...base };
  }
  if (e.command === 'DATA' || e.code === 'EMESSAGE') {
    return { code: 'MESSAGE_REJECTED', stage: 'send', transient: transientReply, message: `${where} refused the message${serverReply ? `: ${serverReply}` : ''}`, hint: transientReply ? 'The server asked to try again later.' : 'Read the server\'s reply: it says why (content, size or policy).', ...base };
  }
  if (e.command === 'CONN' && rc !== undefined) {
    // A greeting other than 220: the server is up but turns connections away (421, 554).
    return { code: 'CONNECTION_REFUSED', stage: 'connect', transient: transientReply, message: `${where} turned the connection away${serverReply ? `: ${serverReply}` : ''}`, hint: 'The server is busy or refuses this client; try again later or ask its administrator.', ...base };
  }
  if (sys === 'ECONNRESET' || e.code === 'ECONNECTION' || e.code === 'ESOCKET' || sys === 'EPIPE') {
    const stage: Stage = ctx.reached ?? 'connect';
    return { code: 'SERVER_ERROR', stage, transient: true, message: `The connection to ${where} was closed unexpectedly (${scrub(e.message ?? sys, ctx.secrets)})`, hint: 'Try again; if it keeps happening, check the port and Secure setting.', ...base };
  }
  return {
    code: 'SERVER_ERROR', stage: ctx.reached ?? 'connect', transient: transientReply,
    message: scrub(`${where}: ${e.message ?? String(err)}`, ctx.secrets),
    hint: transientReply ? 'Try again later.' : 'Read the server\'s reply: it says why.',
    ...base,
  };
}
