import type { Knex } from 'knex';
import { rawRows } from './delivery-rows.js';

/** A message a webhook worker holds under a lease. */
export interface ClaimedMessage {
  id: string;
  endpointId: string;
  scope: string;
  type: string;
  /** The body exactly as signed, the same bytes on every try. */
  payload: string;
  /** Tries before this one. */
  attempts: number;
}

/** One try as recorded: the endpoint's status (null when it never answered), the error, a bounded snippet of its answer. */
export interface WebhookTry {
  startedAt: string;
  durationMs: number;
  status: number | null;
  error: string | null;
  response: string | null;
}

/** Where a message goes after a try. */
export type MessageNext = { status: 'delivered' } | { status: 'pending'; dueAt: number } | { status: 'failed' };

export interface MessageView {
  id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  attemptLog: Array<{ number: number; startedAt: string; durationMs: number; status: number | null; error: string | null; response: string | null }>;
}

type Row = Record<string, unknown>;

/** The durable webhook messages (webhook_messages, webhook_attempts), leased like mail. */
export class WebhookMessageStore {
  private readonly isPg: boolean;
  constructor(private readonly knex: Knex) {
    this.isPg = knex.client.config.client === 'pg';
  }

  /**
   * Takes due messages under a lease: pending, due, and not leased or leased by a worker whose
   * lease ran out (it died: SIGKILL, a lost machine), so every message is tried at least once.
   * PostgreSQL locks the picked rows `FOR UPDATE SKIP LOCKED` so concurrent workers never take
   * the same one; SQLite has a single writer, which makes the one statement atomic. The pick is a
   * CTE, which PostgreSQL plans once (a CTE with a locking clause is never inlined), never an
   * `IN (SELECT … LIMIT … SKIP LOCKED)` subquery: PostgreSQL may run such a subquery again (a
   * re-check of a concurrently updated row) and each run locks a different set, so the UPDATE
   * took more rows than the limit (17-19 for 16 under load).
   */
  async claim(worker: string, limit: number, now: number, leaseUntil: number): Promise<ClaimedMessage[]> {
    if (limit <= 0) return [];
    const res = await this.knex.raw(
      `WITH picked AS (
          SELECT id FROM webhook_messages
           WHERE status = 'pending' AND due_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at < ?)
           ORDER BY due_at LIMIT ? ${this.isPg ? 'FOR UPDATE SKIP LOCKED' : ''})
      UPDATE webhook_messages SET lease_owner = ?, lease_expires_at = ?
       WHERE id IN (SELECT id FROM picked) AND status = 'pending'
      RETURNING id, endpoint_id, scope, type, payload, attempts`,
      [now, now, limit, worker, leaseUntil],
    );
    return rawRows(this.isPg, res).map((r: Row) => ({ id: String(r.id), endpointId: String(r.endpoint_id), scope: String(r.scope), type: String(r.type), payload: String(r.payload), attempts: Number(r.attempts) }));
  }

  /** Extends the leases of the messages a worker still holds. */
  async renew(worker: string, ids: string[], leaseUntil: number): Promise<void> {
    if (ids.length) await this.knex('webhook_messages').whereIn('id', ids).andWhere({ lease_owner: worker }).update({ lease_expires_at: leaseUntil });
  }

  /** Records a try and where it leaves the message, while `worker` still holds it; false when its lease was lost. */
  async finish(worker: string, m: ClaimedMessage, t: WebhookTry, next: MessageNext): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const number = m.attempts + 1;
      const n = await trx('webhook_messages').where({ id: m.id, lease_owner: worker }).update({
        status: next.status, attempts: number, lease_owner: null, lease_expires_at: null, last_status: t.status, last_error: t.error,
        updated_at: new Date().toISOString(), ...(next.status === 'pending' ? { due_at: next.dueAt } : {}),
      });
      if (n !== 1) return false;
      await trx('webhook_attempts').insert({ message_id: m.id, number, started_at: t.startedAt, duration_ms: t.durationMs, status: t.status, error: t.error, response: t.response });
      return true;
    });
  }

  /** Ends a message without a try (its endpoint is gone or disabled). */
  async fail(id: string, worker: string, error: string): Promise<void> {
    await this.knex('webhook_messages').where({ id, lease_owner: worker }).update({ status: 'failed', last_error: error, lease_owner: null, lease_expires_at: null, updated_at: new Date().toISOString() });
  }

  /** Disables an endpoint (its URL answered 410 Gone) and fails its pending messages, in one transaction. */
  async disableEndpoint(endpointId: string, reason: string): Promise<void> {
    const now = new Date().toISOString();
    await this.knex.transaction(async (trx) => {
      await trx('webhook_endpoints').where({ id: endpointId }).update({ enabled: false, disabled_reason: reason, updated_at: now });
      await trx('webhook_messages').where({ endpoint_id: endpointId, status: 'pending' }).update({ status: 'failed', last_error: reason, lease_owner: null, lease_expires_at: null, updated_at: now });
    });
  }

  /** Writes one message for one endpoint (a test event goes to that endpoint whatever it listens to). */
  async insert(row: { id: string; endpoint_id: string; scope: string; type: string; payload: string }): Promise<void> {
    const now = new Date();
    await this.knex('webhook_messages').insert({ ...row, status: 'pending', attempts: 0, due_at: now.getTime(), created_at: now.toISOString(), updated_at: now.toISOString() });
  }

  /** An endpoint's messages, newest first, each with its tries; `cursor` continues a page. */
  async list(endpointId: string, limit: number, cursor?: { createdAt: string; id: string }): Promise<MessageView[]> {
    const q = this.knex('webhook_messages').where({ endpoint_id: endpointId });
    if (cursor) q.andWhere((w) => w.where('created_at', '<', cursor.createdAt).orWhere((x) => x.where('created_at', '=', cursor.createdAt).andWhere('id', '<', cursor.id)));
    const rows = (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)) as Row[];
    const tries = rows.length ? ((await this.knex('webhook_attempts').whereIn('message_id', rows.map((r) => r.id as string)).orderBy('number')) as Row[]) : [];
    return rows.map((r) => ({
      id: String(r.id), type: String(r.type), status: r.status as MessageView['status'], attempts: Number(r.attempts),
      lastStatus: r.last_status == null ? null : Number(r.last_status), lastError: (r.last_error as string | null) ?? null,
      nextAttemptAt: r.status === 'pending' ? new Date(Number(r.due_at)).toISOString() : null, createdAt: String(r.created_at),
      attemptLog: tries.filter((t) => t.message_id === r.id).map((t) => ({
        number: Number(t.number), startedAt: String(t.started_at), durationMs: Number(t.duration_ms), status: t.status == null ? null : Number(t.status),
        error: (t.error as string | null) ?? null, response: (t.response as string | null) ?? null,
      })),
    }));
  }
}
