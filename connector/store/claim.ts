import type { Knex } from 'knex';
import { rawRows, type Row } from './delivery-rows.js';

/** What one worker already holds, so a claim can keep every connection and scope to its share. */
export interface ClaimShares {
  /** Sends this worker runs now, per connection id and per scope. */
  busyByConnection: ReadonlyMap<string, number>;
  busyByScope: ReadonlyMap<string, number>;
  /** At most this many sends of one connection, and of one scope, in flight in this worker. */
  connectionCap: number;
  scopeCap: number;
}

export interface ClaimRequest extends ClaimShares {
  worker: string;
  limit: number;
  now: number;
  leaseUntil: number;
  maxBytes: number;
}

/** How many due rows a claim looks at to share out `limit` among scopes and connections. */
const windowFor = (limit: number): number => Math.min(2000, Math.max(100, limit * 8));

/** `CASE col WHEN ? THEN ? … ELSE 0 END` over the counts of a map (empty map: `0`). */
function busyCase(column: string, busy: ReadonlyMap<string, number>): { sql: string; bindings: Array<string | number> } {
  if (busy.size === 0) return { sql: '0', bindings: [] };
  return { sql: `(CASE ${column} ${[...busy.keys()].map(() => 'WHEN ? THEN ?').join(' ')} ELSE 0 END)`, bindings: [...busy].flat() };
}

/** `AND col NOT IN (…)` for the keys whose count reached the cap (nothing when none did). */
function excludeFull(column: string, busy: ReadonlyMap<string, number>, cap: number): { sql: string; bindings: string[] } {
  const full = [...busy].filter(([, n]) => n >= cap).map(([k]) => k);
  return full.length ? { sql: `AND ${column} NOT IN (${full.map(() => '?').join(', ')})`, bindings: full } : { sql: '', bindings: [] };
}

/**
 * The claim statement: takes due deliveries for a worker under a lease, round robin between
 * scopes (each scope's next mail first), and never more than a connection's or a scope's share of
 * the worker's sends. A tenant flooding a dead relay therefore holds at most `connectionCap` sends
 * of this worker: the rest of its mail stays queued, and another tenant's mail is claimed in the
 * next round instead of waiting for that relay's timeouts.
 *
 * Due rows are read through the partial index on due time, skipping connections and scopes that
 * are full, and only a bounded window of them is ranked, never the whole queue. The byte budget
 * is a running sum over the rows picked (the first always goes, however large). On PostgreSQL the
 * window is locked `FOR UPDATE SKIP LOCKED` so concurrent workers never take the same row; SQLite
 * serializes writers, so the one statement is atomic there.
 */
export async function claimDue(knex: Knex, isPg: boolean, r: ClaimRequest): Promise<Row[]> {
  if (r.limit <= 0) return [];
  const lock = isPg ? 'FOR UPDATE SKIP LOCKED' : '';
  const skipConn = excludeFull('connection_id', r.busyByConnection, r.connectionCap);
  const skipScope = excludeFull('scope', r.busyByScope, r.scopeCap);
  const connBusy = busyCase('connection_id', r.busyByConnection);
  const scopeBusy = busyCase('scope', r.busyByScope);
  const res = await knex.raw(
    `WITH due AS (
        SELECT id, size, due_at, connection_id, scope FROM deliveries
         WHERE status IN ('queued', 'retrying') AND due_at <= ? ${skipConn.sql} ${skipScope.sql}
         ORDER BY due_at LIMIT ? ${lock}
      ), ranked AS (
        SELECT id, size, due_at,
               ROW_NUMBER() OVER (PARTITION BY scope ORDER BY due_at, id) AS scope_rank,
               ROW_NUMBER() OVER (PARTITION BY connection_id ORDER BY due_at, id) + ${connBusy.sql} AS conn_n,
               ROW_NUMBER() OVER (PARTITION BY scope ORDER BY due_at, id) + ${scopeBusy.sql} AS scope_n
          FROM due
      ), allowed AS (
        SELECT id, size, due_at, scope_rank FROM ranked
         WHERE conn_n <= ? AND scope_n <= ?
         ORDER BY scope_rank, due_at, id LIMIT ?
      ), picked AS (
        SELECT id, SUM(size) OVER (ORDER BY scope_rank, due_at, id) - size AS before_bytes FROM allowed
      )
      UPDATE deliveries
         SET status = 'sending', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
       WHERE id IN (SELECT id FROM picked WHERE before_bytes < ?)
      RETURNING id, scope, connection_id, connection_scope, envelope, raw, size, attempts, max_attempts, accepted, rejected`,
    [
      r.now, ...skipConn.bindings, ...skipScope.bindings, windowFor(r.limit),
      ...connBusy.bindings, ...scopeBusy.bindings,
      r.connectionCap, r.scopeCap, r.limit,
      r.worker, r.leaseUntil, new Date(r.now).toISOString(), r.maxBytes,
    ],
  );
  return rawRows(isPg, res);
}
