import type { Knex } from 'knex';
import { rawRows, type FinishItem, type Row } from './delivery-rows.js';
import { attemptRow, finishSentInOne, sentUpdate } from './finish-sent.js';

/** Told, inside the transaction, of the attempts that were recorded (connector/events/attempt-events.ts). */
export interface AfterRecord {
  (trx: Knex.Transaction, items: FinishItem[]): Promise<void>;
  /** Whether it would write anything for these items; without it, it always may. */
  wants?(items: FinishItem[]): Promise<boolean>;
}

/** Deliveries per grouped 'sent' update (4 values each in CASE lists, plus the id list). */
export const FINISH_SENT_BATCH = 100;

/**
 * Records several finished attempts in one transaction (a group commit: a worker whose sends
 * end together writes them together). Each delivery moves on only while `worker` still holds it.
 * Returns, per item, whether its delivery moved on.
 */
export async function finishAttempts(knex: Knex, isPg: boolean, worker: string, items: FinishItem[], recorded?: AfterRecord): Promise<boolean[]> {
  const now = new Date().toISOString();
  // On PostgreSQL a group of sent mail that no endpoint hears is one statement, one round trip
  // (BEGIN, UPDATE, INSERT, COMMIT were four): a statement is atomic by itself.
  const allSent = items.length <= FINISH_SENT_BATCH && items.every((it) => it.next.status === 'sent');
  if (isPg && allSent && !(recorded && (!recorded.wants || (await recorded.wants(items))))) return finishSentInOne(knex, worker, items, now);
  return knex.transaction(async (trx) => {
    const done: boolean[] = new Array(items.length).fill(false);
    // Sent mail, by far the most common outcome, moves on in one statement for the whole group.
    const sent = items.flatMap((it, i) => (it.next.status === 'sent' ? [{ ...it, next: it.next, i }] : []));
    for (let from = 0; from < sent.length; from += FINISH_SENT_BATCH) {
      const group = sent.slice(from, from + FINISH_SENT_BATCH);
      const update = sentUpdate(group, now, worker);
      const updated = new Set(rawRows(isPg, await trx.raw(update.sql, update.bindings)).map((r) => String(r.id)));
      for (const g of group) done[g.i] = updated.has(g.id);
    }
    for (const [i, { id, next }] of items.entries()) {
      if (next.status === 'sent') continue;
      // 'waiting': the attempt counts, but the mail waits (e.g. for its connection to be fixed) instead of failing.
      const patch: Row = { status: next.status === 'waiting' ? 'queued' : next.status, lease_owner: null, lease_expires_at: null, updated_at: now, wait_reason: null };
      if (next.status === 'waiting') Object.assign(patch, { due_at: next.dueAt, wait_reason: JSON.stringify(next.reason), last_error: JSON.stringify(next.reason) });
      if (next.status === 'retrying') Object.assign(patch, { due_at: next.dueAt, last_error: JSON.stringify(next.error) });
      // Some recipients have it, others were deferred: the next attempt goes to the deferred alone.
      // A failover, or the chain starting again from the primary (design.md "Failover").
      if ((next.status === 'retrying' || next.status === 'waiting') && next.routeIndex !== undefined) patch.route_index = next.routeIndex;
      if (next.status === 'retrying' && next.partial) {
        Object.assign(patch, { envelope: JSON.stringify(next.partial.envelope), accepted: JSON.stringify(next.partial.accepted), rejected: JSON.stringify(next.partial.rejected) });
      }
      if (next.status === 'failed' || next.status === 'unknown') Object.assign(patch, { last_error: JSON.stringify(next.error) });
      if (items[i]!.attempt.outcome === 'unknown') patch.unknown_attempts = trx.raw('unknown_attempts + 1');
      // A released delivery gives its attempt back: it was never tried.
      if (next.status === 'queued') Object.assign(patch, { due_at: next.dueAt, attempts: trx.raw('attempts - 1') });
      done[i] = (await trx('deliveries').where({ id, lease_owner: worker, status: 'sending' }).update(patch)) === 1;
    }
    const rows = items.filter((_, i) => done[i]).map((it) => attemptRow(worker, it));
    if (rows.length) await trx('delivery_attempts').insert(rows);
    // The events of these outcomes (delivery.sent/retrying/failed), durable with them.
    if (recorded && rows.length) await recorded(trx, items.filter((_, i) => done[i]));
    return done;
  });
}
