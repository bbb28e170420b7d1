import { rawRows } from './delivery-rows.js';
/** How many due rows a claim looks at to share out `limit` among scopes and connections. */
const windowFor = (limit) => Math.min(2000, Math.max(100, limit * 8));
/** `CASE col WHEN ? THEN ? … ELSE <cap> END`: the room of each listed key, the cap for the rest. */
function roomCase(column, room, cap) {
    // Cast: PostgreSQL would read untyped parameters in a select list as text.
    if (room.size === 0)
        return { sql: 'CAST(? AS INTEGER)', bindings: [cap] };
    return { sql: `CAST(CASE ${column} ${[...room.keys()].map(() => 'WHEN ? THEN ?').join(' ')} ELSE ? END AS INTEGER)`, bindings: [...[...room].flat(), cap] };
}
/** `AND col NOT IN (…)` for the keys without room (nothing when every key has some). */
function excludeFull(column, room) {
    const full = [...room].filter(([, n]) => n <= 0).map(([k]) => k);
    return full.length ? { sql: `AND ${column} NOT IN (${full.map(() => '?').join(', ')})`, bindings: full } : { sql: '', bindings: [] };
}
/**
 * The claim statement: takes due deliveries for a worker under a lease, round robin between
 * scopes (each scope's next mail first), and never more than a connection's or a scope's share of
 * the worker's sends. A tenant flooding a dead relay therefore holds at most its connection's room
 * in this worker: the rest of its mail stays queued, and another tenant's mail is claimed in the
 * next round instead of waiting for that relay's timeouts.
 *
 * Due rows are read through the partial index on due time, skipping connections and scopes that
 * are full, and only a bounded window of them is ranked, never the whole queue. The byte budget
 * is a running sum over the rows picked (the first always goes, however large). On PostgreSQL the
 * window is locked `FOR UPDATE SKIP LOCKED` so concurrent workers never take the same row; SQLite
 * serializes writers, so the one statement is atomic there.
 */
export async function claimDue(knex, isPg, r) {
    if (r.limit <= 0)
        return [];
    const lock = isPg ? 'FOR UPDATE SKIP LOCKED' : '';
    const skipConn = excludeFull('connection_id', r.roomByConnection);
    const skipScope = excludeFull('scope', r.roomByScope);
    const connRoom = roomCase('connection_id', r.roomByConnection, r.connectionCap);
    const scopeRoom = roomCase('scope', r.roomByScope, r.scopeCap);
    const res = await knex.raw(`WITH due AS (
        SELECT id, size, due_at, connection_id, scope FROM deliveries
         WHERE status IN ('queued', 'retrying') AND due_at <= ? ${skipConn.sql} ${skipScope.sql}
         ORDER BY due_at LIMIT ? ${lock}
      ), ranked AS (
        SELECT id, size, due_at,
               ROW_NUMBER() OVER (PARTITION BY scope ORDER BY due_at, id) AS scope_rank,
               ROW_NUMBER() OVER (PARTITION BY connection_id ORDER BY due_at, id) AS conn_rank,
               ${connRoom.sql} AS conn_room, ${scopeRoom.sql} AS scope_room
          FROM due
      ), allowed AS (
        SELECT id, size, due_at, scope_rank FROM ranked
         WHERE conn_rank <= conn_room AND scope_rank <= scope_room
         ORDER BY scope_rank, due_at, id LIMIT ?
      ), picked AS (
        SELECT id, SUM(size) OVER (ORDER BY scope_rank, due_at, id) - size AS before_bytes FROM allowed
      )
      UPDATE deliveries
         SET status = 'sending', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
       WHERE id IN (SELECT id FROM picked WHERE before_bytes < ?)
      RETURNING id, scope, connection_id, connection_scope, envelope, raw, size, attempts, max_attempts, accepted, rejected, route_index`, [
        r.now, ...skipConn.bindings, ...skipScope.bindings, windowFor(r.limit),
        ...connRoom.bindings, ...scopeRoom.bindings, r.limit,
        r.worker, r.leaseUntil, new Date(r.now).toISOString(), r.maxBytes,
    ]);
    return rawRows(isPg, res);
}
//# sourceMappingURL=claim.js.map