/**
 * `delivery.sent`, `delivery.retrying` and `delivery.failed` from the worker's recorded attempts
 * (design.md "Events and webhooks"), written in the same transaction that records the attempt
 * (connector/store/finish.ts), so an outcome is never stored without its event nor the reverse;
 * and `connection.failover` when a fallback takes the next attempt, with the same record.
 */
import type { Knex } from 'knex';
import type { FinishItem } from '../store/delivery-rows.js';
import type { AfterRecord } from '../store/finish.js';
import type { EventPublisher } from './publisher.js';
import { deliveryEventBase, type EventType } from './types.js';

type Row = Record<string, string | null>;

/** The event an attempt's next state reports, if any (a released attempt or an unknown ending reports none). */
function eventOf(item: FinishItem): { type: EventType; extra: Record<string, unknown> } | undefined {
  const { next, attempt } = item;
  const error = (e: { code: string; message: string; reply?: string | undefined }) => ({ code: e.code, message: e.message, ...(e.reply ? { reply: e.reply } : {}) });
  switch (next.status) {
    case 'sent':
      return { type: 'delivery.sent', extra: { providerMessageId: attempt.providerMessageId ?? null, accepted: next.accepted, rejected: next.rejected } };
    case 'retrying':
      return { type: 'delivery.retrying', extra: { error: error(next.error), nextAttemptAt: new Date(next.dueAt).toISOString() } };
    // Waiting for an unhealthy connection to be fixed: another attempt is planned too.
    case 'waiting':
      return { type: 'delivery.retrying', extra: { error: error(next.reason), nextAttemptAt: new Date(next.dueAt).toISOString() } };
    case 'failed':
      return { type: 'delivery.failed', extra: { error: error(next.error) } };
    default:
      return undefined;
  }
}

/** `connection.failover` of an attempt whose next one goes through a fallback, in the connection's scope. */
function failoverData(item: FinishItem): Record<string, unknown> | undefined {
  const f = item.failover;
  if (!f) return undefined;
  const { code, message } = item.attempt;
  return { connection: { ...f.from, scope: f.connectionScope }, fallback: f.to, ...(code ? { error: { code, message: message ?? code } } : {}), deliveryId: item.id, scope: f.deliveryScope };
}

/** Publishes the events of the attempts recorded in `trx` (only those whose delivery moved on). */
export function attemptEvents(publisher: EventPublisher): AfterRecord {
  const write = async (trx: Knex.Transaction, items: FinishItem[]): Promise<void> => {
    for (const item of items) {
      const data = failoverData(item);
      if (data) await publisher.publish(item.failover!.connectionScope, 'connection.failover', data, trx);
    }
    const wanted: Array<{ item: FinishItem; type: EventType; extra: Record<string, unknown> }> = [];
    for (const item of items) {
      const e = eventOf(item);
      // Most mail has no endpoint listening: skip reading its delivery (the scope is known from the claim).
      if (e && (item.scope === undefined || (await publisher.listens(item.scope, e.type, trx)))) wanted.push({ item, ...e });
    }
    if (!wanted.length) return;
    const rows = (await trx('deliveries')
      .whereIn('id', wanted.map((w) => w.item.id))
      .select('id', 'scope', 'connection_id', 'connection_name', 'action', 'idempotency_key', 'message_id')) as Row[];
    const byId = new Map(rows.map((r) => [r.id!, r]));
    for (const { item, type, extra } of wanted) {
      const r = byId.get(item.id);
      if (!r) continue;
      const base = deliveryEventBase({ id: r.id!, scope: r.scope!, action: r.action!, idempotencyKey: r.idempotency_key, connectionId: r.connection_id!, connectionName: r.connection_name!, messageId: r.message_id! } as Parameters<typeof deliveryEventBase>[0]);
      // The connection the attempt went through (a fallback, after a failover).
      const connection = item.attempt.connection ?? base.connection;
      await publisher.publish(r.scope!, type, { ...base, connection, ...extra }, trx);
    }
  };
  // Asked before the group is written: with no endpoint listening it needs no transaction.
  const wants = async (items: FinishItem[]): Promise<boolean> => {
    for (const item of items) {
      const e = eventOf(item);
      if (e && (item.scope === undefined || (await publisher.listens(item.scope, e.type)))) return true;
      if (item.failover && (await publisher.listens(item.failover.connectionScope, 'connection.failover'))) return true;
    }
    return false;
  };
  return Object.assign(write, { wants });
}
