import { EnvoiError } from '../../connector/errors.js';
import type { Bucket } from '../../connector/store/delivery-stats.js';

/** The widest range a stats request may ask for, per bucket (31 days by hour, 366 by day). */
export const MAX_DAYS: Record<Bucket, number> = { hour: 31, day: 366 };
const DAY_MS = 86_400_000;

const invalid = (path: string, message: string, detail: string, hint?: string) =>
  new EnvoiError('VALIDATION_FAILED', message, { ...(hint ? { hint } : {}), details: [{ path, message: detail }] });

/** A date query parameter as the stored ISO text (UTC), or undefined when absent. */
export function isoParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || value.length > 40) {
    throw invalid(`/${name}`, `${name} is not a date`, 'must be a date and time such as 2026-11-30T00:00:00Z', 'Write dates in ISO 8601, e.g. 2026-11-30 or 2026-11-30T08:00:00Z.');
  }
  return new Date(t).toISOString();
}

/** A search text parameter, bounded so a LIKE pattern stays small. */
export function textParam(name: string, value: string | undefined, maxLength: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > maxLength) throw invalid(`/${name}`, `${name} is too long`, `must be at most ${maxLength} characters`);
  return value;
}

/** Checks that since comes before until. */
export function checkOrder(since: string | undefined, until: string | undefined): void {
  if (since && until && since >= until) {
    throw invalid('/until', 'until must come after since', 'must be later than since', 'Swap the two dates, or leave one out.');
  }
}

/**
 * The range and bucket of a stats request: by default the last 7 days by day (from the start of
 * the UTC day six days ago until now), bounded so one answer never holds more than 31 × 24 or
 * 366 buckets.
 */
export function statsRange(q: { since?: string | undefined; until?: string | undefined; bucket?: string | undefined }, now = Date.now()) {
  const bucket = (q.bucket === undefined || q.bucket === '' ? 'day' : q.bucket) as Bucket;
  if (bucket !== 'hour' && bucket !== 'day') {
    throw invalid('/bucket', `"${q.bucket}" is not a bucket size`, 'must be one of hour, day', 'Use bucket=hour or bucket=day.');
  }
  const until = isoParam('until', q.until) ?? new Date(now).toISOString();
  const since = isoParam('since', q.since) ?? new Date(Date.parse(until.slice(0, 10)) - 6 * DAY_MS).toISOString();
  checkOrder(since, until);
  if (Date.parse(until) - Date.parse(since) > MAX_DAYS[bucket] * DAY_MS) {
    throw invalid(
      '/since', `The range is longer than ${MAX_DAYS[bucket]} days, the most bucket=${bucket} allows`, `must be at most ${MAX_DAYS[bucket]} days before until`,
      bucket === 'hour' ? 'Use bucket=day for a range longer than 31 days, or narrow since and until.' : 'Ask for at most 366 days at a time.',
    );
  }
  return { since, until, bucket };
}
