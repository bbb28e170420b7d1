/**
 * Where Google's failures are read: the OAuth 2.0 token endpoint's answers to the JWT bearer
 * grant (RFC 6749 §5.2 error bodies: `{error, error_description}`) and the Gmail API's answers
 * (Google's JSON error format: `{error: {code, message, status, errors: [{reason}]}}`). Statuses
 * fall back on the shared mapping of ../http/classify-http.ts; Google's own words decide where
 * they say more than the status (a 403 `rateLimitExceeded` is a throttle, not a refusal).
 */
import { failure, scrub, type Failure, type FailureCode } from '../../failures.js';
import { classifyApiAnswer, codeOfStatus, type ApiAnswer } from '../http/classify-http.js';

export const GMAIL_SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';

/** The domain-wide delegation steps, with the client id to paste (a client id is not a secret). */
export function delegationHint(clientId: string): string {
  return `In the Google Admin console, Security → Access and data control → API controls → Domain-wide delegation → Add new: client ID ${clientId}, OAuth scope ${GMAIL_SEND_SCOPE}; then test again (it may take a few minutes to apply).`;
}

const HINTS = {
  auth: 'The key was deleted or is wrong: in the Google Cloud console, IAM & Admin → Service accounts → Keys, check the key exists (or add a JSON key) and paste the whole file here.',
  throttled: 'Nothing to do: the mail is retried when Google allows it. Gmail sends about 2,000 messages a day per Workspace user; a lower rate limit on this connection spreads them out.',
  server: 'Nothing to do: the mail is retried when Google recovers.',
  rejected: 'Read Gmail\'s reply: it says what is wrong with the message (often a header or an address).',
  apiDisabled: 'In the Google Cloud console of the service account\'s project, APIs & Services → Library → Gmail API → Enable; then test again.',
};

export interface TokenContext {
  sender: string;
  clientId: string;
  secrets: string[];
}

/** Reads a failed answer of Google's token endpoint to the JWT bearer grant. */
export function classifyTokenAnswer(status: number, body: unknown, retryAfter: string | null, c: TokenContext): Failure {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; error_description?: unknown };
  const error = typeof b.error === 'string' ? b.error : '';
  const described = scrub(typeof b.error_description === 'string' ? b.error_description.slice(0, 300) : '', c.secrets);
  const reply = `HTTP ${status}${error ? ` ${error}` : ''}${described ? `: ${described}` : ''}`;
  const base = { stage: 'auth' as const, responseCode: status, reply };
  if (error === 'unauthorized_client') {
    // The key signed correctly, but the Workspace domain has not delegated gmail.send to it.
    return failure('PERMISSION_MISSING', `Google accepted the service account's key, but it may not send as ${c.sender}: domain-wide delegation for ${GMAIL_SEND_SCOPE} is missing (${error}: ${described})`, { ...base, hint: delegationHint(c.clientId) });
  }
  if (error === 'invalid_grant' && /invalid email or user id/i.test(described)) {
    return failure('AUTH_FAILED', `Google has no user ${c.sender} in the Workspace domain, so the service account cannot act as it (${error}: ${described})`, {
      ...base, hint: `Use the primary email of a Workspace user as the sender email (not a group, an alias or an address outside the domain); the user must exist and have Gmail.`,
    });
  }
  if (error === 'invalid_grant' && /iat|exp|short-lived|timeframe/i.test(described)) {
    return failure('AUTH_FAILED', `Google refused the signed request as expired or not yet valid (${error}: ${described})`, { ...base, hint: 'Check that this server\'s clock is right (NTP): Google accepts a signed request only within a few minutes of its time.' });
  }
  if (error === 'invalid_grant' || error === 'invalid_client') {
    return failure('AUTH_FAILED', `Google refused the service account's key: the key was deleted or is wrong (${error}${described ? `: ${described}` : ''})`, { ...base, hint: HINTS.auth });
  }
  const answer: ApiAnswer = {
    provider: 'Google sign-in', status, said: described || error || undefined, errorCode: error || undefined, retryAfter, stage: 'auth',
    hints: { auth: HINTS.auth, permission: delegationHint(c.clientId), throttled: HINTS.throttled, server: HINTS.server }, secrets: c.secrets,
  };
  // Any other refusal of the grant is about the credential, never the message.
  const code = codeOfStatus(status);
  return classifyApiAnswer(answer, code === 'MESSAGE_REJECTED' || code === 'MESSAGE_TOO_LARGE' ? 'AUTH_FAILED' : code);
}

/** Google's JSON error body, read. */
interface GoogleError {
  message: string;
  status: string;
  reasons: string[];
}

function readGoogleError(body: unknown): GoogleError {
  const e = (body as { error?: { message?: unknown; status?: unknown; errors?: Array<{ reason?: unknown }> } } | undefined)?.error;
  if (typeof e !== 'object' || e === null) return { message: '', status: '', reasons: [] };
  return {
    message: typeof e.message === 'string' ? e.message : '',
    status: typeof e.status === 'string' ? e.status : '',
    reasons: Array.isArray(e.errors) ? e.errors.map((x) => (typeof x?.reason === 'string' ? x.reason : '')).filter(Boolean) : [],
  };
}

const THROTTLE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded']);

/** Reads a failed Gmail API answer to a send. */
export function classifyGmailAnswer(status: number, body: unknown, text: string, retryAfterHeader: string | null, c: TokenContext): Failure {
  const e = readGoogleError(body);
  const said = e.message || (body === undefined ? text.slice(0, 300) : '');
  const reason = e.reasons[0];
  // Gmail words a per-user limit as "User-rate limit exceeded.  Retry after <ISO time>" (no header).
  const retryAfter = retryAfterHeader ?? /retry after (\d{4}-\d{2}-\d{2}T[\d:.]+Z)/i.exec(said)?.[1] ?? null;
  let code: FailureCode = codeOfStatus(status);
  if (reason && THROTTLE_REASONS.has(reason)) code = 'THROTTLED';
  else if (status === 400 && /too large|exceeds the (maximum|limit)|size limit/i.test(said)) code = 'MESSAGE_TOO_LARGE';
  const disabled = reason === 'accessNotConfigured' || e.status === 'PERMISSION_DENIED' && /has not been used|is disabled/i.test(said);
  return classifyApiAnswer({
    provider: 'Gmail', status, said: said || undefined, errorCode: reason ?? (e.status || undefined), retryAfter, stage: 'send',
    hints: {
      auth: HINTS.auth,
      permission: disabled ? HINTS.apiDisabled : delegationHint(c.clientId),
      throttled: HINTS.throttled,
      server: HINTS.server,
      rejected: HINTS.rejected,
    },
    secrets: c.secrets,
  }, code);
}
