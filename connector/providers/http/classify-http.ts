/**
 * How the answers of an HTTP email API map onto the failure catalogue (design.md "Providers"): a
 * wrong key → AUTH_FAILED, a key without the right to send → PERMISSION_MISSING (both at stage
 * `auth`, connection faults), 429 → THROTTLED (Retry-After honoured), 5xx → SERVER_ERROR (transient,
 * a connection fault that may fail over), 413 → MESSAGE_TOO_LARGE, any other 4xx → MESSAGE_REJECTED
 * with the provider's own words. A provider reads its error body (each API words it its own way)
 * and may decide a status itself before falling back on this mapping.
 */
import { retryAfterHeaderMs } from '../../delivery/retry.js';
import { failure, scrub, type Failure, type FailureCode } from '../../failures.js';

/** What a provider knows about one failed HTTP answer. */
export interface ApiAnswer {
  /** The provider as a person names it ("SendGrid"). */
  provider: string;
  status: number;
  /** The provider's own words (its error message), already read from the body. */
  said?: string | undefined;
  /** The provider's error code, when its body has one (SES `MessageRejected`, Resend `validation_error`). */
  errorCode?: string | undefined;
  retryAfter?: string | null | undefined;
  /** Where the request was: a credential check at `auth` (tests), a send at `send`. */
  stage: 'auth' | 'send';
  /** Hints that name the provider's own console ("In the SendGrid dashboard, Settings → API Keys: …"). */
  hints: { auth: string; permission: string; throttled?: string; server?: string; rejected?: string };
  /** Strings that must never appear in a message (the key). */
  secrets?: string[] | undefined;
}

/** The catalogue code a status means, unless the provider decided otherwise. */
export function codeOfStatus(status: number): FailureCode {
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'PERMISSION_MISSING';
  if (status === 413) return 'MESSAGE_TOO_LARGE';
  if (status === 429) return 'THROTTLED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'MESSAGE_REJECTED';
}

/** Reads a failed answer; `code` overrides the status mapping (e.g. SES AccessDenied at 400). */
export function classifyApiAnswer(a: ApiAnswer, code: FailureCode = codeOfStatus(a.status)): Failure {
  const said = a.said ? scrub(a.said.trim().slice(0, 500), a.secrets) : '';
  const tag = `${a.status}${a.errorCode ? ` ${a.errorCode}` : ''}`;
  const reply = `HTTP ${tag}${said ? `: ${said}` : ''}${a.retryAfter ? ` (Retry-After: ${a.retryAfter.trim()})` : ''}`;
  const base = { responseCode: a.status, reply, retryAfterMs: retryAfterHeaderMs(a.retryAfter ?? null) };
  const words = said ? `: ${said}` : '';
  switch (code) {
    case 'AUTH_FAILED':
      return failure(code, `${a.provider} refused the credential (${tag})${words}`, { ...base, stage: 'auth', hint: a.hints.auth });
    case 'PERMISSION_MISSING':
      return failure(code, `${a.provider} accepted the credential but it may not send (${tag})${words}`, { ...base, stage: 'auth', hint: a.hints.permission });
    case 'THROTTLED':
      return failure(code, `${a.provider} asked Envoi to slow down (${tag})${words}`, { ...base, hint: a.hints.throttled });
    case 'SERVER_ERROR':
      // The API failed, not the message: transient, and a connection fault that may fail over.
      return failure(code, `${a.provider} failed (${tag})${words}`, { ...base, stage: a.stage, connectionFault: true, hint: a.hints.server ?? `Nothing to do: the mail is retried when ${a.provider} recovers.` });
    case 'MESSAGE_TOO_LARGE':
      return failure(code, `${a.provider} refused the message as too large (${tag})${words}`, base);
    default:
      return failure(code, `${a.provider} refused the message (${tag})${words}`, { ...base, stage: a.stage === 'auth' ? 'auth' : undefined, hint: a.hints.rejected });
  }
}

/**
 * Failures of fetch that happen before a request is sent: no connection, no name, no TLS. Any
 * other failure of a send (a timeout, a reset, a closed socket) may come after the API took the
 * request, so its outcome is unknown.
 */
const BEFORE_REQUEST = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_INVALID_URL']);

/** Who a fetch failure concerns: the service to reach ("Microsoft 365") and its owner ("Microsoft"). */
export interface FetchTarget {
  service: string;
  owner: string;
}

/** Reads a fetch that failed on its way to `what` (a sign-in service at `auth`, the API at `send`). */
export function classifyFetchError(stage: 'auth' | 'send', what: string, err: unknown, target: FetchTarget): Failure {
  const e = err as Error & { cause?: { code?: string } };
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
  const code = e.cause?.code;
  if (stage === 'send' && (timedOut || !code || !BEFORE_REQUEST.has(code))) {
    return failure('OUTCOME_UNKNOWN', `${what} took the request but ${timedOut ? 'did not answer in time' : `the connection broke before its answer (${code ?? e.message})`}; it may have accepted the mail`, {
      outcomeUnknown: true,
      hint: `${target.owner} may have accepted the mail. If it is sent again, a copy carries the same Message-ID, so it is recognisable as a duplicate.`,
    });
  }
  return failure(timedOut ? 'CONNECTION_TIMEOUT' : 'CONNECTION_REFUSED', `${what} could not be reached (${timedOut ? 'timed out' : code ?? e.message})`, {
    stage, hint: `Check that this server can reach ${target.service} (firewall, proxy); the mail is retried.`,
  });
}
