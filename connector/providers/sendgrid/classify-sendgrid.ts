/**
 * How SendGrid's answers read (Web API v3): errors come as `{"errors": [{"message", "field",
 * "help"}]}` (docs "Mail Send errors"); a 429 carries X-RateLimit-Reset, the Unix time at which
 * the limit resets (docs "Rate Limits"), and no Retry-After. The shared mapping of
 * ../http/classify-http.ts does the rest, with hints that name SendGrid's dashboard.
 */
import type { Failure } from '../../failures.js';
import { classifyApiAnswer } from '../http/classify-http.js';
import type { ApiResponse } from '../http/request.js';

export const SENDGRID_HINTS = {
  auth: 'In the SendGrid dashboard, Settings → API Keys: create an API key (it starts with "SG.") and paste it whole; a deleted or revoked key is refused.',
  permission: 'In the SendGrid dashboard, Settings → API Keys: give the key Mail Send (Restricted Access → Mail Send: Full Access), or create a key that has it.',
  throttled: 'Nothing to do: the mail is retried when SendGrid\'s limit resets. A plan\'s daily limit shows in the SendGrid dashboard under Settings → Account Details.',
  server: 'Nothing to do: the mail is retried when SendGrid recovers (status.sendgrid.com).',
  rejected: 'Read SendGrid\'s words: they name the field at fault.',
};

/** SendGrid refuses a sender that is not a verified Sender Identity with a 403 on `from`. */
const SENDER_HINT = 'In the SendGrid dashboard, Settings → Sender Authentication: verify this sender (Single Sender Verification) or authenticate its domain.';

interface SendGridError {
  message?: unknown;
  field?: unknown;
}

/** SendGrid's words: each error's message, with the field it names. */
export function sendgridErrors(json: unknown): { said: string | undefined; fields: string[] } {
  const errors = (json as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return { said: undefined, fields: [] };
  const list = (errors as SendGridError[]).filter((e) => typeof e?.message === 'string');
  const fields = list.map((e) => (typeof e.field === 'string' ? e.field : '')).filter(Boolean);
  const said = list.map((e) => `${e.message as string}${typeof e.field === 'string' && e.field ? ` (${e.field})` : ''}`).join('; ');
  return { said: said || undefined, fields };
}

/** X-RateLimit-Reset (Unix seconds) as a Retry-After in seconds from now. */
export function resetAsRetryAfter(reset: string | null, now = Date.now()): string | undefined {
  if (!reset || !/^\d{1,12}$/.test(reset.trim())) return undefined;
  return String(Math.max(0, Math.ceil(Number(reset.trim()) - now / 1000)));
}

/** Reads a failed SendGrid answer onto the catalogue. */
export function classifySendGrid(res: ApiResponse, stage: 'auth' | 'send', key: string): Failure {
  const { said, fields } = sendgridErrors(res.json);
  const retryAfter = res.headers.get('retry-after') ?? resetAsRetryAfter(res.headers.get('x-ratelimit-reset'));
  const answer = { provider: 'SendGrid', status: res.status, said: said ?? res.text.slice(0, 200), retryAfter, stage, hints: SENDGRID_HINTS, secrets: [key] };
  // A 403 about `from` is the sender, not the key: "does not match a verified Sender Identity".
  if (res.status === 403 && fields.some((f) => f === 'from' || f.startsWith('from.'))) {
    return classifyApiAnswer({ ...answer, hints: { ...SENDGRID_HINTS, rejected: SENDER_HINT } }, 'SENDER_REJECTED');
  }
  return classifyApiAnswer(answer);
}
