/**
 * Where Microsoft's failures are read: Graph's sendMail answers (the identity platform's token
 * endpoint is read in ../microsoft-identity/), and fetch failures on the way to either. Every failure is made by
 * the catalogue's factory (./failures.ts); this file only picks the code.
 */
import { retryAfterHeaderMs } from '../../delivery/retry.js';
import { failure, type Failure } from '../../failures.js';
import { classifyFetchError as classifyHttpFetchError } from '../http/classify-http.js';

// The token endpoint's failures are read where the token client lives (shared with SMTP XOAUTH2).
export { classifyTokenResponse } from '../microsoft-identity/classify-token.js';

/** Reads a failed Microsoft Graph sendMail response: 429 and 5xx retry (Retry-After), 401/403/400 do not. */
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
  const retryAfterMs = retryAfterHeaderMs(retryAfter);
  // The header stays in the reply too, so a person reading the attempt sees what Graph asked for.
  const reply = `HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${retryAfter ? ` (Retry-After: ${retryAfter.trim()})` : ''}`;
  const base = { responseCode: status, reply, retryAfterMs };
  const said = message ? `: ${message}` : '';
  if (status === 429) {
    return failure('THROTTLED', `Microsoft Graph asked to slow down (429${code ? ` ${code}` : ''})`, { ...base, hint: 'Nothing to do: the mail is retried when Microsoft allows it (Retry-After). Exchange Online accepts 30 messages a minute per mailbox.' });
  }
  if (status >= 500) {
    // The API, not the message, failed: a connection fault that may fail over (design.md "Failover").
    return failure('SERVER_ERROR', `Microsoft Graph failed (${status}${code ? ` ${code}` : ''})${said}`, { ...base, connectionFault: true, hint: 'Nothing to do: the mail is retried when Microsoft allows it.' });
  }
  if (status === 401) {
    return failure('OAUTH_FAILED', `Microsoft Graph refused the app's token even after a refresh${said}`, { ...base, hint: 'Check that the app registration still exists and its secret is valid; then test the connection.' });
  }
  if (status === 403) {
    return failure('SENDER_REJECTED', `Microsoft Graph denied sending as ${sender}${code ? ` (${code})` : ''}${said}`, { ...base, hint: 'Grant Mail.Send as an application permission, or widen the application access policy to this mailbox.' });
  }
  if (status === 404) {
    return failure('SENDER_REJECTED', `Microsoft Graph has no mailbox ${sender}${said}`, { ...base, hint: 'Use the user principal name of a licensed mailbox as the sender email.' });
  }
  if (status === 413) {
    return failure('MESSAGE_TOO_LARGE', 'Microsoft Graph refused the message as too large (its requests are limited to 4 MB)', { ...base, hint: 'Send smaller attachments (about 3 MB in all), or share large files by link.' });
  }
  return failure('MESSAGE_REJECTED', `Microsoft Graph refused the message (${status}${code ? ` ${code}` : ''})${said}`, {
    ...base, hint: 'Read Graph\'s reply: it says what is wrong with the message (often a recipient address).',
  });
}

/** Reads a fetch that failed on its way to `what` (the sign-in service at `auth`, Graph at `send`). */
export function classifyFetchError(stage: 'auth' | 'send', what: string, err: unknown): Failure {
  return classifyHttpFetchError(stage, what, err, { service: 'Microsoft 365', owner: 'Microsoft' });
}
