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
  | 'MESSAGE_TOO_LARGE'
  | 'RECIPIENT_REJECTED'
  | 'MESSAGE_REJECTED'
  | 'SERVER_ERROR'
  | 'OUTCOME_UNKNOWN';

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
  /**
   * The message was handed over in full (the final dot, or the whole API request) and no answer
   * came: the server may have accepted it. Retrying risks a copy (with the same Message-ID).
   */
  outcomeUnknown?: boolean;
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

/** nodemailer's EPROTOCOL for a reply line past its size limit (smtp-connection `_onResponseTooLarge`). */
const RESPONSE_TOO_LARGE = 'Server response exceeds maximum allowed size';

/** Failures of the connection itself: after a handed-over message they leave its fate unknown. */
const LINK_FAILURES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT']);

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
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const serverReply = reply(e, ctx.secrets);
  const where = `${ctx.host}:${ctx.port}`;
  const transientReply = rc !== undefined ? rc >= 400 && rc < 500 : true;
  const base = { responseCode: rc, reply: serverReply };

  if (ctx.handedOver && rc === undefined && LINK_FAILURES.has(e.code ?? '')) {
    // RFC 5321 §4.1.1.4: the server takes responsibility with its reply to the final dot. It
    // received the whole message; the reply was lost, so the mail may or may not be on its way.
    return {
      code: 'OUTCOME_UNKNOWN', stage: 'send', transient: true, outcomeUnknown: true,
      message: `${where} received the whole message but ${e.code === 'ETIMEDOUT' ? 'did not answer in time' : 'closed the connection before answering'}; it may have accepted it`,
      hint: 'The server may have accepted the mail. If it is sent again, a copy carries the same Message-ID, so it is recognisable as a duplicate.',
      ...base,
    };
  }
  if (e.code === 'EPROTOCOL' && !rc && (e.message ?? '').startsWith(RESPONSE_TOO_LARGE)) {
    // A reply line longer than nodemailer keeps: the server misbehaved, the connection's settings did not.
    return { code: 'SERVER_ERROR', stage: ctx.reached ?? 'send', transient: true, message: `${where} sent a reply longer than an SMTP client accepts`, hint: 'Try again later; if it keeps happening, ask the server\'s administrator.', ...base };
  }
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
  if (e.code === 'ETLS' || (!rc && e.code !== 'EAUTH' && (isTlsCode(e.originalCode) || isTlsCode(e.code)))) {
    if (CERT_CODES.has(e.originalCode ?? '') || CERT_CODES.has(e.code ?? '') || (e.code === 'ETLS' && ETLS_CERT_TEXT.test(e.message ?? ''))) {
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

/** Reads a failed token response of the Microsoft identity platform (AADSTS codes). */
export function classifyTokenResponse(status: number, body: string, secrets: string[] = []): Failure {
  let parsed: { error?: string; error_description?: string; error_codes?: number[] } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    /* not JSON: keep the status */
  }
  // The description's first sentence carries the AADSTS code and the reason; the rest is trace ids.
  const description = scrub((parsed.error_description ?? '').split(/\r?\n/)[0]!.replace(/\s*Trace ID:.*$/s, '').trim(), secrets);
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1] ?? (parsed.error_codes?.[0] !== undefined ? String(parsed.error_codes[0]) : undefined);
  const hints: Record<string, string> = {
    '7000215': 'The client secret is wrong: paste the secret\'s Value (not its Secret ID) from Certificates & secrets, or create a new one.',
    '7000222': 'The client secret has expired: create a new one under Certificates & secrets and save it here.',
    '700016': 'No app with this client id in the tenant: check the Application (client) ID and the tenant.',
    '90002': 'No such tenant: check the Directory (tenant) ID or domain.',
    '900023': 'The tenant id is not valid: use the Directory (tenant) ID GUID or a verified domain.',
    '65001': 'The app has no admin consent: grant admin consent for its API permissions.',
    '7000112': 'The app is disabled in the tenant: enable it in Microsoft Entra.',
  };
  const transient = status >= 500 || status === 429;
  return {
    code: 'OAUTH_FAILED', stage: 'auth', transient,
    message: `Microsoft sign-in failed${aadsts ? ` (AADSTS${aadsts})` : ''}: ${description || parsed.error || `HTTP ${status}`}`,
    hint: (aadsts && hints[aadsts]) ?? (transient ? 'Microsoft\'s sign-in service is unavailable; the mail is retried.' : 'Check the tenant id, client id and client secret of the app registration.'),
    responseCode: status,
    reply: description || undefined,
  };
}

/** Reads a failed Microsoft Graph sendMail response: 429/503 retry (Retry-After), 401/403/400 do not. */
export function classifyGraphResponse(status: number, body: string, retryAfter: string | null, sender: string): Failure {
  let code = '';
  let message = '';
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    code = parsed.error?.code ?? '';
    message = parsed.error?.message ?? '';
  } catch {
    message = body.slice(0, 300);
  }
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  // Kept in the reply so the retry schedule honours it ("Retry-After: N").
  const reply = `HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${seconds !== undefined ? ` (Retry-After: ${seconds})` : ''}`;
  const base = { responseCode: status, reply };
  if (status === 429 || status === 503 || status === 502 || status === 504) {
    return { code: 'SERVER_ERROR', stage: 'send', transient: true, message: `Microsoft Graph asked to slow down (${status}${code ? ` ${code}` : ''})`, hint: 'Nothing to do: the mail is retried when Microsoft allows it. Exchange Online accepts 30 messages a minute per mailbox.', ...base };
  }
  if (status === 401) {
    return { code: 'OAUTH_FAILED', stage: 'auth', transient: false, message: `Microsoft Graph refused the app's token even after a refresh${message ? `: ${message}` : ''}`, hint: 'Check that the app registration still exists and its secret is valid; then test the connection.', ...base };
  }
  if (status === 403) {
    return {
      code: 'SENDER_REJECTED', stage: 'send', transient: false,
      message: `Microsoft Graph denied sending as ${sender}${code ? ` (${code})` : ''}${message ? `: ${message}` : ''}`,
      hint: 'Grant Mail.Send as an application permission, or widen the application access policy to this mailbox.',
      ...base,
    };
  }
  if (status === 404) {
    return { code: 'SENDER_REJECTED', stage: 'send', transient: false, message: `Microsoft Graph has no mailbox ${sender}${message ? `: ${message}` : ''}`, hint: 'Use the user principal name of a licensed mailbox as the sender email.', ...base };
  }
  if (status === 413) {
    return { code: 'MESSAGE_TOO_LARGE', stage: 'send', transient: false, message: 'Microsoft Graph refused the message as too large (its requests are limited to 4 MB)', hint: 'Send smaller attachments (about 3 MB in all), or share large files by link.', ...base };
  }
  return {
    code: 'MESSAGE_REJECTED', stage: 'send', transient: status >= 500,
    message: `Microsoft Graph refused the message (${status}${code ? ` ${code}` : ''})${message ? `: ${message}` : ''}`,
    hint: status >= 500 ? 'Microsoft Graph failed; the mail is retried.' : 'Read Graph\'s reply: it says what is wrong with the message (often a recipient address).',
    ...base,
  };
}
