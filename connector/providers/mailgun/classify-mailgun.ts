/**
 * How Mailgun's answers read: errors are `{"message": "..."}` (docs "API Reference": errors), but
 * a refused key gets a bare "Forbidden" in text (401). The shared mapping of
 * ../http/classify-http.ts does the rest, with hints that name Mailgun's own pages.
 */
import type { Failure } from '../../failures.js';
import { classifyApiAnswer } from '../http/classify-http.js';
import type { ApiResponse } from '../http/request.js';

export const MAILGUN_HINTS = {
  auth: 'Mailgun → API Security: use a Private API key, or a Sending API key of this domain (Sending → Domain settings → Sending API keys); check the region too, US or EU.',
  permission: 'Mailgun → API Security: this key may not send for the domain; use the Private API key or a Sending API key created for this domain.',
  throttled: 'Nothing to do: the mail is retried when Mailgun allows it. Your plan\'s limits show in Mailgun under Account settings → Plan.',
  server: 'Nothing to do: the mail is retried when Mailgun recovers (status.mailgun.com).',
  rejected: 'Read Mailgun\'s words: they say what it refused.',
};

/** An unknown domain: a typo, or a domain of the other region. */
export const DOMAIN_HINT = 'Check the domain as Mailgun → Sending → Domains lists it, and the region: a domain created in the EU region is only known to the EU API (choose EU), and the other way round.';

/** Mailgun's words: the `message` of its JSON, or its text ("Forbidden"). */
export function mailgunSaid(res: ApiResponse): string | undefined {
  const m = (res.json as { message?: unknown } | undefined)?.message;
  if (typeof m === 'string' && m) return m;
  return res.json === undefined && res.text.trim() ? res.text.trim().slice(0, 200) : undefined;
}

/** Reads a failed Mailgun answer onto the catalogue. */
export function classifyMailgun(res: ApiResponse, stage: 'auth' | 'send', key: string): Failure {
  const answer = { provider: 'Mailgun', status: res.status, said: mailgunSaid(res), retryAfter: res.headers.get('retry-after'), stage, hints: MAILGUN_HINTS, secrets: [key] };
  // 404 on the domain's URL: Mailgun does not know the domain (every send through it would fail).
  if (res.status === 404) return classifyApiAnswer({ ...answer, hints: { ...MAILGUN_HINTS, rejected: DOMAIN_HINT } }, 'SENDER_REJECTED');
  return classifyApiAnswer(answer);
}
