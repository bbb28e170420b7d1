/**
 * Resend's failed answers read onto the failure catalogue. Resend's error body is
 * `{statusCode, name, message}` (https://resend.com/docs/api-reference/errors); the name and the
 * words decide where the status alone would mislead: a key that does not exist is answered 400,
 * 401 or 403 depending on the endpoint and the API's age, and a 403 `validation_error` is the
 * sender's domain, not the key.
 */
import { failure, scrub, type Failure } from '../../failures.js';
import { classifyApiAnswer, type ApiAnswer } from '../http/classify-http.js';

export const RESEND_HINTS = {
  auth: 'In the Resend dashboard, API Keys: create a key (Full access lets the connection test check the domain; Sending access is enough to send) and save it here.',
  permission: 'In the Resend dashboard, API Keys: give the key Sending access (or Full access) for the sender\'s domain.',
  throttled: 'Nothing to do: the mail is retried when Resend allows it (Retry-After). Resend allows 2 requests a second per team by default; a rate limit on this connection keeps under it.',
  server: 'Nothing to do: the mail is retried when Resend recovers (resend-status.com).',
  rejected: 'Read Resend\'s words: they name the field that is wrong.',
} satisfies ApiAnswer['hints'];

export interface ResendError {
  statusCode?: number;
  name?: string;
  message?: string;
}

/** Whether Resend said the key itself is wrong (missing, unknown, deleted). */
export function badKey(status: number, e: ResendError): boolean {
  return e.name === 'missing_api_key' || e.name === 'invalid_api_key' || (status <= 403 && /api key is invalid/i.test(e.message ?? ''));
}

/** The hint for a sender domain Resend does not let this account send from. */
const domainHint = (sender: string) =>
  `In the Resend dashboard, Domains: add ${sender.split('@')[1] ?? 'the sender\'s domain'}, publish its DNS records and wait until it shows Verified; the sender email must use exactly that domain.`;

/** Reads a failed Resend answer; `stage` is `auth` for the connection test, `send` for a send. */
export function classifyResend(status: number, body: unknown, headers: Headers, ctx: { stage: 'auth' | 'send'; sender: string; apiKey: string }): Failure {
  const e = (body && typeof body === 'object' ? body : {}) as ResendError;
  const said = scrub((e.message ?? '').trim().slice(0, 500), [ctx.apiKey]);
  // Resend sends both; ratelimit-reset (seconds until the window resets) stands in when Retry-After is absent.
  const retryAfter = headers.get('retry-after') ?? headers.get('ratelimit-reset');
  const answer: ApiAnswer = { provider: 'Resend', status, said, errorCode: e.name, retryAfter, stage: ctx.stage, hints: RESEND_HINTS, secrets: [ctx.apiKey] };
  if (badKey(status, e)) return classifyApiAnswer(answer, 'AUTH_FAILED');
  if (e.name === 'restricted_api_key') return classifyApiAnswer(answer, 'PERMISSION_MISSING');
  if (status === 429 && /quota/.test(e.name ?? '')) {
    return classifyApiAnswer({ ...answer, hints: { ...RESEND_HINTS, throttled: 'Resend\'s sending quota is used up (the free plan sends 100 emails a day and 3,000 a month): the mail waits and is retried; upgrade the plan in the Resend dashboard, Settings → Billing, to send more.' } }, 'THROTTLED');
  }
  // The first request with this Idempotency-Key is still being processed: ask again shortly.
  if (e.name === 'concurrent_idempotent_requests') return classifyApiAnswer({ ...answer, retryAfter: retryAfter ?? '1' }, 'THROTTLED');
  if (status === 403 || e.name === 'invalid_from_address') {
    const reply = `HTTP ${status}${e.name ? ` ${e.name}` : ''}${said ? `: ${said}` : ''}`;
    return failure('SENDER_REJECTED', `Resend refused the sender ${ctx.sender}${said ? `: ${said}` : ''}`, { responseCode: status, reply, hint: domainHint(ctx.sender) });
  }
  return classifyApiAnswer(answer);
}
