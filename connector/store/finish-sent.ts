import type { Knex } from 'knex';
import { rawRows, type FinishItem } from './delivery-rows.js';

type Sent = FinishItem & { next: Extract<FinishItem['next'], { status: 'sent' }> };

/** The UPDATE that moves a group of sent deliveries on (one CASE per column), returning the ids moved. */
export function sentUpdate(group: Sent[], now: string, worker: string): { sql: string; bindings: Array<string | null> } {
  const when = (pick: (n: Sent['next']) => string | null) => ({
    sql: `CASE id ${group.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    bindings: group.flatMap((g) => [g.id, pick(g.next)]),
  });
  const accepted = when((n) => JSON.stringify(n.accepted));
  const rejected = when((n) => JSON.stringify(n.rejected));
  const response = when((n) => n.response);
  const dkim = when((n) => (n.dkim ? JSON.stringify(n.dkim) : null));
  return {
    sql: `UPDATE deliveries
            SET status = 'sent', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, wait_reason = NULL, sent_at = ?, last_error = NULL,
                accepted = ${accepted.sql}, rejected = ${rejected.sql}, response = ${response.sql},
                dkim = COALESCE(${dkim.sql}, dkim)
          WHERE id IN (${group.map(() => '?').join(', ')}) AND lease_owner = ? AND status = 'sending'
          RETURNING id`,
    bindings: [now, now, ...accepted.bindings, ...rejected.bindings, ...response.bindings, ...dkim.bindings, ...group.map((g) => g.id), worker],
  };
}

/** The delivery_attempts row of a recorded attempt. */
export function attemptRow(worker: string, { id, attempt }: FinishItem): Record<string, string | number | null | undefined> {
  return {
    delivery_id: id,
    number: attempt.number,
    worker,
    started_at: attempt.startedAt,
    duration_ms: attempt.durationMs,
    outcome: attempt.outcome,
    code: attempt.code,
    stage: attempt.stage,
    response_code: attempt.responseCode,
    reply: attempt.reply,
    message: attempt.message,
    hint: attempt.hint,
    connection_id: attempt.connection?.id ?? null,
    connection_name: attempt.connection?.name ?? null,
    provider_message_id: attempt.providerMessageId ?? null,
  };
}

const COLUMNS = ['delivery_id', 'number', 'worker', 'started_at', 'duration_ms', 'outcome', 'code', 'stage', 'response_code', 'reply', 'message', 'hint', 'connection_id', 'connection_name', 'provider_message_id'] as const;
// Parameters of a VALUES list are text to PostgreSQL unless cast; INSERT casts text to the string columns.
const CAST: Partial<Record<(typeof COLUMNS)[number], string>> = { number: '::int', duration_ms: '::int', response_code: '::int' };

/**
 * PostgreSQL: a group of sent deliveries moved on and their attempts recorded in one statement
 * (data-modifying CTEs run as one atomic statement). An attempt is recorded only for a delivery
 * that moved on (the worker still held its lease), as in the transaction it replaces.
 */
export async function finishSentInOne(knex: Knex, worker: string, items: FinishItem[], now: string): Promise<boolean[]> {
  const update = sentUpdate(items as Sent[], now, worker);
  const rows = items.map((it) => attemptRow(worker, it));
  const values = rows.map(() => `(${COLUMNS.map((c) => `?${CAST[c] ?? ''}`).join(', ')})`).join(', ');
  const res = await knex.raw(
    `WITH moved AS (${update.sql}),
          recorded AS (
            INSERT INTO delivery_attempts (${COLUMNS.join(', ')})
            SELECT * FROM (VALUES ${values}) AS v(${COLUMNS.join(', ')}) WHERE v.delivery_id IN (SELECT id FROM moved))
     SELECT id FROM moved`,
    [...update.bindings, ...rows.flatMap((r) => COLUMNS.map((c) => r[c] ?? null))],
  );
  const moved = new Set(rawRows(true, res).map((r) => String(r.id)));
  return items.map((it) => moved.has(it.id));
}
