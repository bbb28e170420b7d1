/**
 * When to try again. Exponential backoff with jitter from ENVOI_RETRY_BASE_MS, capped at an hour;
 * a server that says when to come back ("try again in 2 seconds", "Retry-After: 30") is honoured:
 * never earlier than it asked.
 */
export const MAX_DELAY_MS = 60 * 60 * 1000;
const UNITS = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 };
/**
 * Reads a delay a server asked for, in ms, from its reply text; undefined when it gave none.
 * Called once, when the failure is made (connector/failures.ts); the failure then carries it.
 */
export function requestedDelayMs(reply) {
    if (!reply)
        return undefined;
    const m = /(?:try|retry|come back)[^0-9]{0,20}(?:in|after)\s+(\d{1,6})\s*(s|sec|seconds?|m|min|minutes?|h|hours?)\b/i.exec(reply) ??
        /retry-after:?\s*(\d{1,6})\s*(s|sec|seconds?|m|min|minutes?)?\b/i.exec(reply);
    if (!m)
        return undefined;
    const unit = (m[2] ?? 's').toLowerCase().replace(/s$/, '') || 's';
    return Number(m[1]) * (UNITS[unit] ?? 1000);
}
/**
 * Reads an HTTP Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; undefined
 * when absent or unreadable.
 */
export function retryAfterHeaderMs(value, now = Date.now()) {
    if (!value)
        return undefined;
    const v = value.trim();
    if (/^\d{1,9}$/.test(v))
        return Number(v) * 1000;
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/** The delay before attempt `attempt + 1`; `askedMs`: the delay the server asked for after attempt `attempt`. */
export function retryDelayMs(attempt, baseMs, askedMs, random = Math.random) {
    if (askedMs !== undefined)
        return Math.min(MAX_DELAY_MS, Math.round(askedMs * (1 + 0.1 * random())));
    const backoff = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
    // ±20% jitter, so mail that failed together does not come back together.
    return Math.min(MAX_DELAY_MS, Math.round(backoff * (0.8 + 0.4 * random())));
}
//# sourceMappingURL=retry.js.map