import type { Knex } from 'knex';
import { EnvoiError } from '../errors.js';
import { GroupCommit } from '../group-commit.js';
import { claimDue, type ClaimRequest } from './claim.js';
import { rethrowStorage } from './storage-errors.js';

/** `unknown`: the last attempt's outcome is unknown (see decide.ts) and no retry is left for it. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'unknown';
export const STATUSES: readonly DeliveryStatus[] = ['queued', 'sending', 'sent', 'retrying', 'failed', 'unknown'];

/** The reason a delivery failed (last) or an attempt did not succeed. */
export interface DeliveryError {
  code: string;
  message: string;
  hint?: string;
  responseCode?: number;
  reply?: string;
}

export interface Delivery {
  id: string;
  scope: string;
  connectionId: string;
  connectionScope: string;
  connectionName: string;
  action: string;
  status: DeliveryStatus;
  subject: string | null;
  recipients: string[];
  envelope: { from: string; to: string[] };
  size: number;
  messageId: string;
  idempotencyKey: string | null;
  attempts: number;
  maxAttempts: number;
  /** Attempts whose outcome was unknown (the server may have the mail). */
  unknownAttempts: number;
  dueAt: number;
  accepted: string[] | null;
  rejected: string[] | null;
  lastError: DeliveryError | null;
  response: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  purgedAt: string | null;
  /** Why a queued delivery waits (rate limit, unhealthy connection), or null. */
  waitReason: DeliveryError | null;
}

export interface Attempt {
  number: number;
  worker: string;
  startedAt: string;
  durationMs: number;
  outcome: 'sent' | 'retry' | 'failed' | 'unknown' | 'lost' | 'released';
  code: string | null;
  responseCode: number | null;
  reply: string | null;
  message: string | null;
  hint: string | null;
}

/** Where a finished attempt leaves its delivery. */
export type NextState =
  | { status: 'sent'; accepted: string[]; rejected: string[]; response: string }
  | { status: 'retrying'; dueAt: number; error: DeliveryError; partial?: { envelope: { from: string; to: string[] }; accepted: string[]; rejected: string[] } }
  | { status: 'failed'; error: DeliveryError }
  | { status: 'unknown'; error: DeliveryError }
  | { status: 'queued'; dueAt: number }
  | { status: 'waiting'; dueAt: number; reason: DeliveryError };

/** A finished attempt to record, and where it leaves its delivery. */
export interface FinishItem {
  id: string;
  attempt: Omit<Attempt, 'worker'>;
  next: NextState;
}

/** A claimed delivery: what a worker needs to send it. */
export interface Claimed {
  id: string;
  /** The scope the mail was sent in (fair claiming counts per scope). */
  scope: string;
  connectionId: string;
  connectionScope: string;
  envelope: { from: string; to: string[] };
  raw: string;
  /** Bytes of the message. */
  size: number;
  /** Recipients earlier attempts delivered to, or that were refused for good (deferred ones retry alone). */
  accepted: string[];
  rejected: string[];
  attempts: number;
  maxAttempts: number;
}

/** What enqueueing stores: the delivery's identity and message; status and timing start fresh. */
export type NewDelivery = Pick<
  Delivery,
  'id' | 'scope' | 'connectionId' | 'connectionScope' | 'connectionName' | 'action' | 'subject' | 'recipients' | 'envelope' | 'size' | 'messageId' | 'idempotencyKey' | 'maxAttempts' | 'dueAt'
> & { raw: string };

type Row = Record<string, any>;
const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));
const num = (v: unknown): number => Number(v);

function toDelivery(r: Row): Delivery {
  return {
    id: r.id,
    scope: r.scope,
    connectionId: r.connection_id,
    connectionScope: r.connection_scope,
    connectionName: r.connection_name,
    action: r.action,
    status: r.status,
    subject: r.subject ?? null,
    recipients: json<string[]>(r.recipients) ?? [],
    envelope: json(r.envelope)!,
    size: num(r.size),
    messageId: r.message_id,
    idempotencyKey: r.idempotency_key ?? null,
    attempts: num(r.attempts),
    maxAttempts: num(r.max_attempts),
    unknownAttempts: num(r.unknown_attempts ?? 0),
    dueAt: num(r.due_at),
    accepted: json(r.accepted),
    rejected: json(r.rejected),
    lastError: json(r.last_error),
    response: r.response ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at ?? null,
    purgedAt: r.purged_at ?? null,
    waitReason: json(r.wait_reason),
  };
}

const LIST_COLUMNS = [
  'id', 'scope', 'connection_id', 'connection_scope', 'connection_name', 'action', 'status', 'subject', 'recipients', 'envelope', 'size', 'message_id',
  'idempotency_key', 'attempts', 'max_attempts', 'unknown_attempts', 'due_at', 'accepted', 'rejected', 'last_error', 'response', 'created_at', 'updated_at', 'sent_at', 'purged_at', 'wait_reason',
];

/**
 * The outbox table. Claims are one atomic statement: `UPDATE … WHERE id IN (SELECT … LIMIT n)
 * RETURNING`, with `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent workers never block on,
 * or take, each other's rows; SQLite serializes writers, so the same statement is atomic there.
 */
export class DeliveryStore {
  private readonly isPg: boolean;
  constructor(private readonly knex: Knex) {
    this.isPg = knex.client.config.client === 'pg';
  }

  private rows(res: unknown): Row[] {
    return this.isPg ? (res as { rows: Row[] }).rows : (res as Row[]);
  }

  /**
   * Inserts a delivery. With an idempotency key seen before in the scope, returns the first
   * delivery instead (the unique index decides between concurrent requests).
   *
   * Inserts are group-committed: the first goes out at once, and the ones that arrive while it is
   * being written go together in the next statement. Under load that turns one database round
   * trip per request into one per batch; alone, a request waits for nothing.
   */
  insert(d: NewDelivery): Promise<{ delivery: Delivery; created: boolean }> {
    // A full disk or a lost database: the caller answers 503 STORAGE_UNAVAILABLE, never a 500.
    return this.inserts.add(d).catch((err: unknown) => rethrowStorage(err, 'nothing was queued'));
  }

  // One bad row must not fail its neighbours: a failed group is written again row by row.
  private readonly inserts = new GroupCommit((ds: NewDelivery[]) => this.insertMany(ds), { max: INSERT_BATCH, oneByOne: true });

  /**
   * One multi-row insert. A row whose idempotency key exists in its scope (or earlier in the same
   * statement) is skipped by `ON CONFLICT DO NOTHING` and answered with the delivery that holds it.
   */
  private async insertMany(ds: NewDelivery[]): Promise<Array<{ delivery: Delivery; created: boolean }>> {
    const now = new Date().toISOString();
    const inserted = await this.knex('deliveries')
      .insert(
        ds.map((d) => ({
          id: d.id,
          scope: d.scope,
          connection_id: d.connectionId,
          connection_scope: d.connectionScope,
          connection_name: d.connectionName,
          action: d.action,
          status: 'queued',
          subject: d.subject,
          recipients: JSON.stringify(d.recipients),
          envelope: JSON.stringify(d.envelope),
          raw: d.raw,
          size: d.size,
          message_id: d.messageId,
          idempotency_key: d.idempotencyKey,
          attempts: 0,
          max_attempts: d.maxAttempts,
          due_at: d.dueAt,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict()
      .ignore()
      .returning('id');
    const created = new Set((inserted as Array<{ id: string }>).map((r) => r.id));
    const out: Array<{ delivery: Delivery; created: boolean }> = [];
    for (const d of ds) {
      if (created.has(d.id)) {
        // What was written is known: no need to read it back.
        const { raw: _raw, ...rest } = d;
        out.push({
          delivery: { ...rest, status: 'queued', attempts: 0, unknownAttempts: 0, accepted: null, rejected: null, lastError: null, response: null, createdAt: now, updatedAt: now, sentAt: null, purgedAt: null, waitReason: null },
          created: true,
        });
        continue;
      }
      const existing = d.idempotencyKey ? await this.byIdempotencyKey(d.scope, d.idempotencyKey) : undefined;
      if (!existing) throw new Error(`delivery ${d.id} was neither inserted nor found by its idempotency key`);
      out.push({ delivery: existing, created: false });
    }
    return out;
  }

  private async byIdempotencyKey(scope: string, key: string): Promise<Delivery | undefined> {
    const r = await this.knex('deliveries').select(LIST_COLUMNS).where({ scope, idempotency_key: key }).first();
    return r ? toDelivery(r) : undefined;
  }

  async get(scope: string, id: string): Promise<Delivery | undefined> {
    const r = await this.knex('deliveries').select(LIST_COLUMNS).where({ scope, id }).first();
    return r ? toDelivery(r) : undefined;
  }

  /** Status of a delivery by id alone (workers and waiters; no scope check). */
  async peek(id: string): Promise<Delivery | undefined> {
    const r = await this.knex('deliveries').select(LIST_COLUMNS).where({ id }).first();
    return r ? toDelivery(r) : undefined;
  }

  async attempts(id: string): Promise<Attempt[]> {
    const rows = await this.knex('delivery_attempts').where({ delivery_id: id }).orderBy('id');
    return rows.map((r: Row) => ({
      number: num(r.number),
      worker: r.worker,
      startedAt: r.started_at,
      durationMs: num(r.duration_ms),
      outcome: r.outcome,
      code: r.code ?? null,
      responseCode: r.response_code === null || r.response_code === undefined ? null : num(r.response_code),
      reply: r.reply ?? null,
      message: r.message ?? null,
      hint: r.hint ?? null,
    }));
  }

  /** How many attempts of a delivery had an unknown outcome (read only when another one does). */
  async unknownAttempts(id: string): Promise<number> {
    const r = await this.knex('deliveries').select('unknown_attempts').where({ id }).first();
    return r ? num(r.unknown_attempts) : 0;
  }

  /** Newest first; the cursor is the last item's (created_at, id). */
  async list(scope: string, opts: { status?: DeliveryStatus; limit: number; cursor?: string }): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    const q = this.knex('deliveries').select(LIST_COLUMNS).where({ scope });
    if (opts.status) q.andWhere({ status: opts.status });
    if (opts.cursor) {
      let createdAt: string, id: string;
      try {
        [createdAt, id] = JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) as [string, string];
        if (typeof createdAt !== 'string' || typeof id !== 'string') throw new Error('bad cursor');
      } catch {
        throw new EnvoiError('VALIDATION_FAILED', 'The cursor is not one this API gave out', {
          hint: 'Pass the nextCursor value of the previous page unchanged, or leave cursor out to start from the newest.',
          details: [{ path: '/cursor', message: 'is not a valid cursor' }],
        });
      }
      q.andWhere((w) => w.where('created_at', '<', createdAt).orWhere((w2) => w2.where('created_at', '=', createdAt).andWhere('id', '<', id)));
    }
    const rows = await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(opts.limit + 1);
    const items = rows.slice(0, opts.limit).map(toDelivery);
    const last = items.at(-1);
    const nextCursor = rows.length > opts.limit && last ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url') : null;
    return { items, nextCursor };
  }

  /**
   * Takes deliveries whose lease expired (their worker died) back into the queue, recording the
   * lost attempt. Returns how many were recovered.
   */
  async recoverExpired(now: number, worker: string): Promise<number> {
    const lock = this.isPg ? 'FOR UPDATE SKIP LOCKED' : '';
    const res = await this.knex.raw(
      `UPDATE deliveries
          SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'retrying' END,
              lease_owner = NULL, lease_expires_at = NULL, due_at = ?, updated_at = ?,
              last_error = ?
        WHERE id IN (SELECT id FROM deliveries WHERE status = 'sending' AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT 100 ${lock})
        RETURNING id, attempts`,
      [now, new Date(now).toISOString(), JSON.stringify(LOST), now],
    );
    const rows = this.rows(res);
    if (rows.length) {
      await this.knex('delivery_attempts').insert(
        rows.map((r) => ({ delivery_id: r.id, number: num(r.attempts), worker, started_at: new Date(now).toISOString(), duration_ms: 0, outcome: 'lost', code: LOST.code, message: LOST.message, hint: LOST.hint })),
      );
    }
    return rows.length;
  }

  /**
   * Claims up to `limit` due deliveries for `worker` until `leaseUntil`, counting the attempt,
   * sharing them out between scopes and connections (see claimDue), and no more than `maxBytes`
   * of messages (the first always goes, however large).
   */
  async claim(req: ClaimRequest): Promise<Claimed[]> {
    const rows = await claimDue(this.knex, this.isPg, req);
    return rows.map((r) => ({
      id: r.id,
      scope: r.scope,
      connectionId: r.connection_id,
      connectionScope: r.connection_scope,
      envelope: JSON.parse(r.envelope),
      raw: r.raw,
      size: num(r.size),
      accepted: json<string[]>(r.accepted) ?? [],
      rejected: json<string[]>(r.rejected) ?? [],
      attempts: num(r.attempts),
      maxAttempts: num(r.max_attempts),
    }));
  }

  /** Extends the leases a worker holds (while its sends run). */
  async renewLeases(worker: string, ids: string[], leaseUntil: number): Promise<void> {
    if (ids.length === 0) return;
    await this.knex('deliveries').whereIn('id', ids).andWhere({ lease_owner: worker, status: 'sending' }).update({ lease_expires_at: leaseUntil });
  }

  /**
   * Records several finished attempts in one transaction (a group commit: a worker whose sends
   * end together writes them together). Each delivery moves on only while `worker` still holds it.
   */
  async finishMany(worker: string, items: FinishItem[]): Promise<boolean[]> {
    const now = new Date().toISOString();
    return this.knex.transaction(async (trx) => {
      const done: boolean[] = new Array(items.length).fill(false);
      // Sent mail, by far the most common outcome, moves on in one statement for the whole group.
      const sent = items.flatMap((it, i) => (it.next.status === 'sent' ? [{ ...it, next: it.next, i }] : []));
      for (let from = 0; from < sent.length; from += FINISH_SENT_BATCH) {
        const group = sent.slice(from, from + FINISH_SENT_BATCH);
        const when = (pick: (n: (typeof group)[number]['next']) => string) => ({
          sql: `CASE id ${group.map(() => 'WHEN ? THEN ?').join(' ')} END`,
          bindings: group.flatMap((g) => [g.id, pick(g.next)]),
        });
        const accepted = when((n) => JSON.stringify(n.accepted));
        const rejected = when((n) => JSON.stringify(n.rejected));
        const response = when((n) => n.response);
        const res = await trx.raw(
          `UPDATE deliveries
              SET status = 'sent', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, wait_reason = NULL, sent_at = ?, last_error = NULL,
                  accepted = ${accepted.sql}, rejected = ${rejected.sql}, response = ${response.sql}
            WHERE id IN (${group.map(() => '?').join(', ')}) AND lease_owner = ? AND status = 'sending'
            RETURNING id`,
          [now, now, ...accepted.bindings, ...rejected.bindings, ...response.bindings, ...group.map((g) => g.id), worker],
        );
        const updated = new Set(this.rows(res).map((r) => String(r.id)));
        for (const g of group) done[g.i] = updated.has(g.id);
      }
      for (const [i, { id, next }] of items.entries()) {
        if (next.status === 'sent') continue;
        // 'waiting': the attempt counts, but the mail waits (e.g. for its connection to be fixed) instead of failing.
        const patch: Row = { status: next.status === 'waiting' ? 'queued' : next.status, lease_owner: null, lease_expires_at: null, updated_at: now, wait_reason: null };
        if (next.status === 'waiting') Object.assign(patch, { due_at: next.dueAt, wait_reason: JSON.stringify(next.reason), last_error: JSON.stringify(next.reason) });
        if (next.status === 'retrying') Object.assign(patch, { due_at: next.dueAt, last_error: JSON.stringify(next.error) });
        // Some recipients have it, others were deferred: the next attempt goes to the deferred alone.
        if (next.status === 'retrying' && next.partial) {
          Object.assign(patch, { envelope: JSON.stringify(next.partial.envelope), accepted: JSON.stringify(next.partial.accepted), rejected: JSON.stringify(next.partial.rejected) });
        }
        if (next.status === 'failed' || next.status === 'unknown') Object.assign(patch, { last_error: JSON.stringify(next.error) });
        if (items[i]!.attempt.outcome === 'unknown') patch.unknown_attempts = trx.raw('unknown_attempts + 1');
        // A released delivery gives its attempt back: it was never tried.
        if (next.status === 'queued') Object.assign(patch, { due_at: next.dueAt, attempts: trx.raw('attempts - 1') });
        done[i] = (await trx('deliveries').where({ id, lease_owner: worker, status: 'sending' }).update(patch)) === 1;
      }
      const rows = items
        .filter((_, i) => done[i])
        .map(({ id, attempt }) => ({
          delivery_id: id,
          number: attempt.number,
          worker,
          started_at: attempt.startedAt,
          duration_ms: attempt.durationMs,
          outcome: attempt.outcome,
          code: attempt.code,
          response_code: attempt.responseCode,
          reply: attempt.reply,
          message: attempt.message,
          hint: attempt.hint,
        }));
      if (rows.length) await trx('delivery_attempts').insert(rows);
      return done;
    });
  }

  /**
   * Gives a claimed delivery back without trying it (the attempt is not counted), to wait until
   * `dueAt` for the reason given. Only while `worker` still holds it.
   */
  async defer(id: string, worker: string, dueAt: number, reason: DeliveryError): Promise<boolean> {
    const n = await this.knex('deliveries')
      .where({ id, lease_owner: worker, status: 'sending' })
      .update({ status: 'queued', lease_owner: null, lease_expires_at: null, due_at: dueAt, attempts: this.knex.raw('attempts - 1'), wait_reason: JSON.stringify(reason), updated_at: new Date().toISOString() });
    return n === 1;
  }

  /** Makes mail waiting on a connection for `code` due now (its connection became healthy). */
  async wakeWaiting(connectionId: string, code: string): Promise<number> {
    return this.knex('deliveries')
      .where({ connection_id: connectionId, status: 'queued' })
      .andWhere('wait_reason', 'like', `%"code":"${code}"%`)
      .update({ due_at: Date.now(), wait_reason: null });
  }

  /** Puts a failed (or unknown) delivery back in the queue for `extraAttempts` more attempts. */
  async requeue(scope: string, id: string, extraAttempts: number): Promise<Delivery | undefined> {
    const n = await this.knex('deliveries')
      .where({ scope, id })
      .whereIn('status', ['failed', 'unknown'])
      .whereNotNull('raw')
      .update({ status: 'queued', due_at: Date.now(), max_attempts: this.knex.raw('attempts + ?', [extraAttempts]), updated_at: new Date().toISOString() });
    return n === 1 ? this.get(scope, id) : undefined;
  }

  /** Drops the message bodies of deliveries sent before `before` (the records stay). */
  async purgeBodies(before: string): Promise<number> {
    return this.knex('deliveries')
      .where({ status: 'sent' })
      .whereNotNull('raw')
      .andWhere('sent_at', '<', before)
      .update({ raw: null, purged_at: new Date().toISOString() });
  }

  /** Counts by status (for health lines and tests). */
  async counts(): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.knex('deliveries').select('status').count({ n: '*' }).groupBy('status');
    const out = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const r of rows as Row[]) out[r.status as DeliveryStatus] = num(r.n);
    return out;
  }
}

/** Deliveries per grouped 'sent' update (4 values each in CASE lists, plus the id list). */
const FINISH_SENT_BATCH = 100;
/** Rows per group-committed insert (19 values each, far below either database's limit). */
const INSERT_BATCH = 100;

const LOST: DeliveryError = {
  code: 'WORKER_LOST',
  message: 'The worker sending this message stopped before it finished (its lease expired); it is sent again',
  hint: 'Nothing to do: the delivery is retried. If the first attempt did reach the server, the recipient may see it twice with the same Message-ID.',
};
