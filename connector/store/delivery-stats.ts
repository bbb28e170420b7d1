import type { Knex } from 'knex';
import { num, type Row } from './delivery-rows.js';

/** hour or day: how finely the counts are cut. */
export type Bucket = 'hour' | 'day';

/** What the dashboard draws: the same six counts for the whole range and for each bucket of it. */
export interface Counts {
  queued: number;
  sent: number;
  failed: number;
  captured: number;
  bounced: number;
  complained: number;
}

export interface DeliveryStats {
  since: string;
  until: string;
  bucket: Bucket;
  totals: Counts;
  buckets: Array<{ start: string } & Counts>;
}

/**
 * The length of the ISO 8601 prefix that names a bucket: "2026-11-30T05" (hour) or "2026-11-30"
 * (day). created_at and at are stored as toISOString() text, always UTC and zero-padded, so
 * substr() groups them the same way on SQLite and PostgreSQL, and a range of them is an index range.
 */
const PREFIX: Record<Bucket, number> = { hour: 13, day: 10 };
const STEP_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

/**
 * The outbox's statuses as the dashboard counts them: waiting or being tried counts as queued; an
 * unknown outcome (the server may or may not have taken it) ended without a confirmed send, so it
 * counts as failed, as the retry button treats it.
 */
const AS: Record<string, keyof Counts> = { queued: 'queued', sending: 'queued', retrying: 'queued', sent: 'sent', failed: 'failed', unknown: 'failed', captured: 'captured' };

const zero = (): Counts => ({ queued: 0, sent: 0, failed: 0, captured: 0, bounced: 0, complained: 0 });

/** The start of the bucket that holds `iso`, as an ISO string. */
export function bucketStart(iso: string, bucket: Bucket): string {
  return new Date(`${iso.slice(0, PREFIX[bucket])}${bucket === 'hour' ? ':00:00.000Z' : 'T00:00:00.000Z'}`).toISOString();
}

/**
 * Counts a scope's deliveries by status (by created_at) and its recipients' bounces and complaints
 * (by the event's time) in [since, until), per bucket. Two grouped index-range scans:
 * deliveries_scope_created and delivery_events_scope_at.
 */
export async function deliveryStats(knex: Knex, scope: string, since: string, until: string, bucket: Bucket): Promise<DeliveryStats> {
  // A constant of PREFIX, written into the SQL: a bound parameter has no type PostgreSQL can infer there.
  const len = PREFIX[bucket];
  const [deliveries, events] = await Promise.all([
    knex('deliveries').select(knex.raw(`substr(created_at, 1, ${len}) as b`), 'status').count({ n: '*' })
      .where({ scope }).andWhere('created_at', '>=', since).andWhere('created_at', '<', until).groupByRaw('1, status'),
    knex('delivery_events').select(knex.raw(`substr(at, 1, ${len}) as b`), 'type').count({ n: '*' })
      .where({ scope }).whereIn('type', ['bounced', 'complained']).andWhere('at', '>=', since).andWhere('at', '<', until).groupByRaw('1, type'),
  ]);
  const byStart = new Map<string, { start: string } & Counts>();
  for (let t = Date.parse(bucketStart(since, bucket)); t < Date.parse(until); t += STEP_MS[bucket]) {
    const start = new Date(t).toISOString();
    byStart.set(start.slice(0, len), { start, ...zero() });
  }
  const totals = zero();
  const add = (b: string, key: keyof Counts | undefined, n: number) => {
    const slot = byStart.get(b);
    if (!key || !slot) return;
    slot[key] += n;
    totals[key] += n;
  };
  for (const r of deliveries as Row[]) add(String(r.b), AS[r.status], num(r.n));
  for (const r of events as Row[]) add(String(r.b), r.type as keyof Counts, num(r.n));
  return { since, until, bucket, totals, buckets: [...byStart.values()] };
}
