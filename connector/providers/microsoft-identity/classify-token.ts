/**
 * The Microsoft identity platform's token failures (AADSTS codes), read the same for every
 * provider that signs in as an Entra app: Microsoft 365 over Graph and Exchange Online SMTP with
 * XOAUTH2. Every failure is made by the catalogue's factory; this file only picks the code.
 */
import { retryAfterHeaderMs } from '../../delivery/retry.js';
import { failure, scrub, type Failure } from '../../failures.js';
import { classifyFetchError } from '../http/classify-http.js';

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

/** Reads a fetch that failed on its way to the sign-in service. */
export function classifySignInFetchError(err: unknown): Failure {
  return classifyFetchError('auth', 'the Microsoft sign-in service', err, { service: 'Microsoft 365', owner: 'Microsoft' });
}
