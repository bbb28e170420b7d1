/**
 * Where Microsoft's failures are read: the identity platform's token endpoint (AADSTS codes),
 * Graph's sendMail answers, and fetch failures on the way to either. Every failure is made by
 * the catalogue's factory (./failures.ts); this file only picks the code.
 */
import { retryAfterHeaderMs } from '../../delivery/retry.js';
import { failure, scrub, type Failure } from '../../failures.js';
import { classifyFetchError as classifyHttpFetchError } from '../http/classify-http.js';

const AADSTS_HINTS: Record<string, string> = {
  '7000215': 'The client secret is wrong: paste the secret\'s Value (not its Secret ID) from Certificates & secrets, or create a new one.',
  '7000222': 'The client secret has expired: create a new one under Certificates & secrets and save it here.',
  '700016': 'No app with this client id in the tenant: check the Application (client) ID and the tenant.',
  '90002': 'No such tenant: check the Directory (tenant) ID or domain.',
  '900023': 'The tenant id is not valid: use the Directory (tenant) ID GUID or a verified domain.',
  '65001': 'The app has no admin consent: grant admin consent for its API permissions.',
  '7000112': 'The app is disabled in the tenant: enable it in Microsoft Entra.',
};

/** Reads a failed token response of the Microsoft identity platform (AADSTS codes). */
export function classifyTokenResponse(status: number, body: string, secrets: string[] = [], retryAfter: string | null = null): Failure {
  let parsed: { error?: string; error_description?: string; error_codes?: number[] } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    /* not JSON: keep the status */
  }
  // The description's first sentence carries the AADSTS code and the reason; the rest is trace ids.
  const description = scrub((parsed.error_description ?? '').split(/\r?\n/)[0]!.replace(/\s*Trace ID:.*$/s, '').trim(), secrets);
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1] ?? (parsed.error_codes?.[0] !== undefined ? String(parsed.error_codes[0]) : undefined);
  const base = { stage: 'auth' as const, responseCode: status, reply: description || undefined };
  const what = `${aadsts ? ` (AADSTS${aadsts})` : ''}: ${description || parsed.error || `HTTP ${status}`}`;
  if (status === 429) {
    return failure('THROTTLED', `Microsoft sign-in asked to slow down${what}`, { ...base, retryAfterMs: retryAfterHeaderMs(retryAfter) });
  }
  const transient = status >= 500;
  return failure('OAUTH_FAILED', `Microsoft sign-in failed${what}`, {
    ...base, transient,
    hint: (aadsts && AADSTS_HINTS[aadsts]) ?? (transient ? 'Microsoft\'s sign-in service is unavailable; the mail is retried.' : undefined),
  });
}

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
