/**
 * Where Microsoft's failures are read: the identity platform's token endpoint (AADSTS codes),
 * Graph's sendMail answers, and fetch failures on the way to either. Every failure is made by
 * the catalogue's factory (./failures.ts); this file only picks the code.
 */
import { retryAfterHeaderMs } from '../../delivery/retry.js';
import { failure, scrub } from '../../failures.js';
const AADSTS_HINTS = {
    '7000215': 'The client secret is wrong: paste the secret\'s Value (not its Secret ID) from Certificates & secrets, or create a new one.',
    '7000222': 'The client secret has expired: create a new one under Certificates & secrets and save it here.',
    '700016': 'No app with this client id in the tenant: check the Application (client) ID and the tenant.',
    '90002': 'No such tenant: check the Directory (tenant) ID or domain.',
    '900023': 'The tenant id is not valid: use the Directory (tenant) ID GUID or a verified domain.',
    '65001': 'The app has no admin consent: grant admin consent for its API permissions.',
    '7000112': 'The app is disabled in the tenant: enable it in Microsoft Entra.',
};
/** Reads a failed token response of the Microsoft identity platform (AADSTS codes). */
export function classifyTokenResponse(status, body, secrets = [], retryAfter = null) {
    let parsed = {};
    try {
        parsed = JSON.parse(body);
    }
    catch {
        /* not JSON: keep the status */
    }
    // The description's first sentence carries the AADSTS code and the reason; the rest is trace ids.
    const description = scrub((parsed.error_description ?? '').split(/\r?\n/)[0].replace(/\s*Trace ID:.*$/s, '').trim(), secrets);
    const aadsts = /AADSTS(\d+)/.exec(description)?.[1] ?? (parsed.error_codes?.[0] !== undefined ? String(parsed.error_codes[0]) : undefined);
    const base = { stage: 'auth', responseCode: status, reply: description || undefined };
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
export function classifyGraphResponse(status, body, retryAfter, sender) {
    let code = '';
    let message = '';
    try {
        const parsed = JSON.parse(body);
        code = parsed.error?.code ?? '';
        message = parsed.error?.message ?? '';
    }
    catch {
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
/**
 * Failures of fetch that happen before a request is sent: no connection, no name, no TLS. Any
 * other failure of a send (a timeout, a reset, a closed socket) may come after Graph took the
 * request, so its outcome is unknown.
 */
const BEFORE_REQUEST = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_INVALID_URL']);
/** Reads a fetch that failed on its way to `what` (the sign-in service at `auth`, Graph at `send`). */
export function classifyFetchError(stage, what, err) {
    const e = err;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const code = e.cause?.code;
    if (stage === 'send' && (timedOut || !code || !BEFORE_REQUEST.has(code))) {
        return failure('OUTCOME_UNKNOWN', `${what} took the request but ${timedOut ? 'did not answer in time' : `the connection broke before its answer (${code ?? e.message})`}; it may have accepted the mail`, {
            outcomeUnknown: true,
            hint: 'Microsoft may have accepted the mail. If it is sent again, a copy carries the same Message-ID, so it is recognisable as a duplicate.',
        });
    }
    return failure(timedOut ? 'CONNECTION_TIMEOUT' : 'CONNECTION_REFUSED', `${what} could not be reached (${timedOut ? 'timed out' : code ?? e.message})`, {
        stage, hint: 'Check that this server can reach Microsoft 365 (firewall, proxy); the mail is retried.',
    });
}
//# sourceMappingURL=classify-microsoft.js.map