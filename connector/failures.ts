import { requestedDelayMs } from './delivery/retry.js';

/**
 * The failure catalogue (design.md "Errors"): every way a connection test or a delivery attempt
 * can fail, with the stage it belongs to, whether the same message may succeed later, whether it
 * is the connection's fault (every mail through it would fail the same way: it marks the
 * connection unhealthy and may fail over) and what the person should do next. Failures are made
 * by `failure()` alone and stored whole on the attempt; nothing reads them back out of text.
 */

/** The last step a test or an attempt reached: `dns`, `connect`, `tls`, `auth`, `send`, `done`. */
export type Stage = 'dns' | 'connect' | 'tls' | 'auth' | 'send' | 'done';

export interface FailureSpec {
  stage: Stage;
  transient: boolean;
  connectionFault: boolean;
  hint: string;
}

const spec = (stage: Stage, transient: boolean, connectionFault: boolean, hint: string): FailureSpec => ({ stage, transient, connectionFault, hint });

export const FAILURES = Object.freeze({
  DNS_LOOKUP_FAILED: spec('dns', false, true, 'Check the host name for typos (e.g. smtp.gmail.com).'),
  CONNECTION_REFUSED: spec('connect', true, true, 'Check the host and port: nothing accepts connections there, or the server turns this client away.'),
  CONNECTION_TIMEOUT: spec('connect', true, true, 'Check the host and port, and that a firewall lets Envoi reach the server.'),
  TLS_FAILED: spec('tls', false, true, 'Check the Secure setting for this port (465: on; 587: off, STARTTLS) and the server\'s certificate.'),
  STARTTLS_UNAVAILABLE: spec('tls', false, true, 'Use the server\'s submission port (587 with STARTTLS, or 465 with Secure on), or choose authentication NONE for a relay without login.'),
  AUTH_FAILED: spec('auth', false, true, 'Check the user name and password; Gmail and Outlook need an app password when two-step verification is on.'),
  AUTH_METHOD_UNSUPPORTED: spec('auth', false, true, 'Choose the method the server offers (PLAIN or LOGIN).'),
  OAUTH_FAILED: spec('auth', false, true, 'Check the tenant id, client id and client secret of the app registration.'),
  PERMISSION_MISSING: spec('auth', false, true, 'Grant the app the permission to send (Microsoft Graph: the Mail.Send application permission, with admin consent), then test the connection again.'),
  /** The key that sealed the connection's secret is gone: no mail through it can authenticate. */
  SECRET_UNREADABLE: spec('auth', false, true, 'The key that sealed this secret is missing: restore ENVOI_SECRET_KEY (or the data directory key file), or enter the secret again.'),
  /** The operator's network policy refuses the host's addresses (a policy, not a broken server). */
  HOST_NOT_ALLOWED: spec('dns', false, false, 'Use the public name of your mail server. An operator can allow private addresses with ENVOI_ALLOW_PRIVATE_HOSTS=true.'),
  PORT_NOT_ALLOWED: spec('connect', false, false, 'Use 587 (STARTTLS) or 465 (TLS), or ask the operator to widen ENVOI_ALLOWED_PORTS.'),
  CONNECTION_NOT_FOUND: spec('connect', false, false, 'Send the message again through an existing connection.'),
  SENDER_REJECTED: spec('send', false, false, 'Use a sender email the account may send as (the login address or a verified alias or domain).'),
  RECIPIENT_REJECTED: spec('send', false, false, 'Check the recipient addresses.'),
  RECIPIENT_DEFERRED: spec('send', true, false, 'Nothing to do: the server asked to try again later (greylisting); deferred recipients are retried alone, and those who have the mail never get it twice.'),
  MESSAGE_REJECTED: spec('send', false, false, 'Read the server\'s reply: it says why (content, size or policy).'),
  MESSAGE_TOO_LARGE: spec('send', false, false, 'Send smaller attachments, or share large files by link.'),
  THROTTLED: spec('send', true, false, 'Nothing to do: the server asked Envoi to slow down, and the mail is retried when it allows (Retry-After, or the time it named).'),
  SERVER_ERROR: spec('send', true, false, 'Try again later; if it keeps happening, ask the server\'s administrator.'),
  OUTCOME_UNKNOWN: spec('send', true, false, 'The server may have accepted the mail. If it is sent again, a copy carries the same Message-ID, so it is recognisable as a duplicate.'),
  WORKER_LOST: spec('send', true, false, 'Nothing to do: the delivery is retried. If the first attempt did reach the server, the recipient may see it twice with the same Message-ID.'),
  ALL_RECIPIENTS_SUPPRESSED: spec('send', false, false, 'Every recipient is on the scope\'s suppression list (an earlier bounce or complaint); remove an address from the list only if it should get mail again.'),
  INTERNAL: spec('send', true, false, 'It is retried; the server log has the details.'),
} satisfies Record<string, FailureSpec>);

export type FailureCode = keyof typeof FAILURES;

export function isFailureCode(code: string): code is FailureCode {
  return Object.prototype.hasOwnProperty.call(FAILURES, code);
}

/** One failure, whole: what the attempt (or the test) records and what decides the next step. */
export interface Failure {
  code: FailureCode;
  stage: Stage;
  message: string;
  hint: string;
  /** True when the same message may succeed later (4xx, resets, timeouts). */
  transient: boolean;
  /** The connection is at fault, not this message: it is marked unhealthy (when permanent) and may fail over. */
  connectionFault: boolean;
  /** The server's reply code (SMTP) or HTTP status (APIs), when there was one. */
  responseCode?: number;
  /** The server's own reply line, when there was one. */
  reply?: string;
  /** The technical text behind a plain message (OpenSSL's words for a certificate), one click away. */
  detail?: string;
  /**
   * The message was handed over in full (the final dot, or the whole API request) and no answer
   * came: the server may have accepted it. Retrying risks a copy (with the same Message-ID).
   */
  outcomeUnknown?: boolean;
  /** How long the server asked Envoi to wait before trying again (Retry-After, "try again in N seconds"). */
  retryAfterMs?: number;
}

/**
 * What a reader knows beyond the code. `stage`, `transient` and `connectionFault` override the
 * catalogue where the reply decides (a 4xx MAIL FROM is transient, a 5xx one is not); `hint`
 * replaces the catalogue's with a more precise one (e.g. "Port 465 expects TLS: turn Secure on").
 */
export interface FailureDetails {
  stage?: Stage | undefined;
  transient?: boolean | undefined;
  connectionFault?: boolean | undefined;
  hint?: string | undefined;
  responseCode?: number | undefined;
  reply?: string | undefined;
  detail?: string | undefined;
  outcomeUnknown?: boolean | undefined;
  retryAfterMs?: number | undefined;
}

/** The one factory of failures. A delay the server asked for in its reply is read here, once. */
export function failure(code: FailureCode, message: string, d: FailureDetails = {}): Failure {
  const s: FailureSpec = FAILURES[code];
  const retryAfterMs = d.retryAfterMs ?? requestedDelayMs(d.reply);
  return {
    code,
    stage: d.stage ?? s.stage,
    message,
    hint: d.hint ?? s.hint,
    transient: d.transient ?? s.transient,
    connectionFault: d.connectionFault ?? s.connectionFault,
    ...(d.responseCode !== undefined ? { responseCode: d.responseCode } : {}),
    ...(d.reply !== undefined ? { reply: d.reply } : {}),
    ...(d.detail !== undefined ? { detail: d.detail } : {}),
    ...(d.outcomeUnknown ? { outcomeUnknown: true } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** Removes secrets (and echoed AUTH lines) from text a failure repeats: no secret in any message or reply. */
export function scrub(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  // An AUTH PLAIN line echoed back would carry base64 credentials; never repeat one.
  return out.replace(/(AUTH\s+\S+\s+)\S+/gi, '$1[redacted]');
}

/** A failure as the outbox stores it (deliveries.last_error, delivery_attempts): code, stage, words, reply. */
export interface StoredFailure {
  code: string;
  stage?: Stage;
  message: string;
  hint?: string;
  responseCode?: number;
  reply?: string;
  detail?: string;
}

export function storedFailure(f: Failure): StoredFailure {
  return {
    code: f.code, stage: f.stage, message: f.message, hint: f.hint,
    ...(f.responseCode !== undefined ? { responseCode: f.responseCode } : {}),
    ...(f.reply !== undefined ? { reply: f.reply } : {}),
    ...(f.detail !== undefined ? { detail: f.detail } : {}),
  };
}
