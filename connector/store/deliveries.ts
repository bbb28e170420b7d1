import type { Knex } from 'knex';
import { EnvoiError } from '../errors.js';
import { failure, storedFailure } from '../failures.js';
import { GroupCommit } from '../group-commit.js';
import { checkSameInput } from '../idempotency.js';
import { claimDue, type ClaimRequest } from './claim.js';
import {
  LIST_COLUMNS, STATUSES, initialStatus, num, rawRows, toAttempt, toClaimed, toDelivery,
  type Attempt, type Claimed, type Delivery, type DeliveryError, type DeliveryStatus, type FinishItem, type NewDelivery, type Row,
} from './delivery-rows.js';
import { finishAttempts, type AfterRecord } from './finish.js';
import { applyFilters, type DeliveryFilters } from './delivery-search.js';
import { rethrowStorage } from './storage-errors.js';

/** Writes what goes with a new delivery (its events, a captured copy) in the transaction that stores it. */
export type AfterInsert = (trx: Knex.Transaction, delivery: Delivery) => Promise<void>;

// Callers import the outbox's types from here, beside the store they use.
export { STATUSES };
export type { DeliveryFilters } from './delivery-search.js';
export type { Attempt, Claimed, Delivery, DeliveryError, DeliveryStatus, FinishItem, NewDelivery, NextState } from './delivery-rows.js';

/**
 * The outbox table. Claims are one atomic statement: `WITH picked AS (SELECT … LIMIT n) UPDATE …
 * WHERE id IN (SELECT id FROM picked) RETURNING`, with `FOR UPDATE SKIP LOCKED` on PostgreSQL so
 * concurrent workers never block on, or take, each other's rows; SQLite serializes writers, so
 * the same statement is atomic there.
 */
export class DeliveryStore {
  private readonly isPg: boolean;
  /** Runs inside the transaction that records attempts (the events of their outcomes). */
  afterRecord: AfterRecord | undefined;

  constructor(private readonly knex: Knex) {
    this.isPg = knex.client.config.client === 'pg';
  }

  /**
   * Inserts a delivery. With an idempotency key seen before in the scope, returns the first
   * delivery instead (the unique index decides between concurrent requests), or throws
   * IDEMPOTENCY_KEY_REUSED when the key came with another input (its stored hash differs).
   *
   * Inserts are group-committed: the first goes out at once, and the ones that arrive while it is
   * being written go together in the next statement. Under load that turns one database round
   * trip per request into one per batch; alone, a request waits for nothing.
   */
  insert(d: NewDelivery, after?: AfterInsert): Promise<{ delivery: Delivery; created: boolean }> {
    // With something to write beside it (events, a captured copy), the delivery goes alone in a
    // transaction with it, so neither is stored without the other; the rare path pays the round trips.
    const stored = after
      ? this.knex.transaction(async (trx) => {
          const [r] = await this.insertMany([d], trx);
          if (r!.created) await after(trx, r!.delivery);
          return r!;
        })
      : this.inserts.add(d);
    // A full disk or a lost database: the caller answers 503 STORAGE_UNAVAILABLE, never a 500.
    return stored.then(
      ({ delivery, created, storedHash }) => {
        // Checked outside the group, so a reused key fails its own request and no neighbour's.
        if (!created) checkSameInput(d.idempotencyKey!, delivery.id, storedHash, d.inputHash ?? undefined);
        return { delivery, created };
      },
      (err: unknown) => rethrowStorage(err, 'nothing was queued'),
    );
  }

  // One bad row must not fail its neighbours: a failed group is written again row by row.
  private readonly inserts = new GroupCommit((ds: NewDelivery[]) => this.insertMany(ds), { max: INSERT_BATCH, oneByOne: true });

  /**
   * One multi-row insert. A row whose idempotency key exists in its scope (or earlier in the same
   * statement) is skipped by `ON CONFLICT DO NOTHING` and answered with the delivery that holds it.
   */
  private async insertMany(ds: NewDelivery[], db: Knex = this.knex): Promise<Array<{ delivery: Delivery; created: boolean; storedHash: string | null }>> {
    const now = new Date().toISOString();
    const inserted = await db('deliveries')
      .insert(
        ds.map((d) => ({
          id: d.id,
          scope: d.scope,
          connection_id: d.connectionId,
          connection_scope: d.connectionScope,
          connection_name: d.connectionName,
          action: d.action,
          status: initialStatus(d),
          last_error: d.failed ? JSON.stringify(d.failed) : null,
          suppressed: d.suppressed?.length ? JSON.stringify(d.suppressed) : null,
          captured: d.captured?.length ? JSON.stringify(d.captured) : null,
          subject: d.subject,
          recipients: JSON.stringify(d.recipients),
          envelope: JSON.stringify(d.envelope),
          raw: d.raw,
          size: d.size,
          message_id: d.messageId,
          idempotency_key: d.idempotencyKey,
          input_hash: d.inputHash ?? null,
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
    const out: Array<{ delivery: Delivery; created: boolean; storedHash: string | null }> = [];
    for (const d of ds) {
      if (created.has(d.id)) {
        // What was written is known: no need to read it back.
        const { raw: _raw, inputHash, failed, suppressed, captured, allCaptured: _allCaptured, ...rest } = d;
        out.push({
          delivery: { ...rest, status: initialStatus(d), suppressed: suppressed ?? [], captured: captured ?? [], attempts: 0, unknownAttempts: 0, accepted: null, rejected: null, lastError: failed ?? null, response: null, createdAt: now, updatedAt: now, sentAt: null, purgedAt: null, waitReason: null, routeIndex: 0, dkim: null },
          created: true,
          storedHash: inputHash ?? null,
        });
        continue;
      }
      const existing = d.idempotencyKey ? await this.byIdempotencyKey(d.scope, d.idempotencyKey, db) : undefined;
      if (!existing) throw new Error(`delivery ${d.id} was neither inserted nor found by its idempotency key`);
      out.push({ delivery: existing.delivery, created: false, storedHash: existing.inputHash });
    }
    return out;
  }

  private async byIdempotencyKey(scope: string, key: string, db: Knex = this.knex): Promise<{ delivery: Delivery; inputHash: string | null } | undefined> {
    const r = await db('deliveries').select([...LIST_COLUMNS, 'input_hash']).where({ scope, idempotency_key: key }).first();
    return r ? { delivery: toDelivery(r), inputHash: r.input_hash ?? null } : undefined;
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
    return rows.map(toAttempt);
  }

  /** How many attempts of a delivery had an unknown outcome (read only when another one does). */
  async unknownAttempts(id: string): Promise<number> {
    const r = await this.knex('deliveries').select('unknown_attempts').where({ id }).first();
    return r ? num(r.unknown_attempts) : 0;
  }

  /** Newest first; the cursor is the last item's (created_at, id). */
  async list(scope: string, opts: DeliveryFilters & { limit: number; cursor?: string | undefined }): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    const q = this.knex('deliveries').select(LIST_COLUMNS).where({ scope });
    applyFilters(this.knex, q, opts);
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
      `WITH expired AS (SELECT id FROM deliveries WHERE status = 'sending' AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT 100 ${lock})
       UPDATE deliveries
          SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'retrying' END,
              lease_owner = NULL, lease_expires_at = NULL, due_at = ?, updated_at = ?,
              last_error = ?
        WHERE id IN (SELECT id FROM expired) AND status = 'sending'
        RETURNING id, attempts`,
      [now, now, new Date(now).toISOString(), JSON.stringify(LOST)],
    );
    const rows = rawRows(this.isPg, res);
    if (rows.length) {
      await this.knex('delivery_attempts').insert(
        rows.map((r) => ({ delivery_id: r.id, number: num(r.attempts), worker, started_at: new Date(now).toISOString(), duration_ms: 0, outcome: 'lost', code: LOST.code, stage: LOST.stage, message: LOST.message, hint: LOST.hint })),
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
    return rows.map(toClaimed);
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
  finishMany(worker: string, items: FinishItem[]): Promise<boolean[]> {
    return finishAttempts(this.knex, this.isPg, worker, items, this.afterRecord);
  }

  /**
   * Gives a claimed delivery back without trying it (the attempt is not counted), to wait until
   * `dueAt` for the reason given. Only while `worker` still holds it.
   */
  async defer(id: string, worker: string, dueAt: number, reason: DeliveryError, routeIndex?: number): Promise<boolean> {
    const n = await this.knex('deliveries')
      .where({ id, lease_owner: worker, status: 'sending' })
      .update({
        status: 'queued', lease_owner: null, lease_expires_at: null, due_at: dueAt, attempts: this.knex.raw('attempts - 1'), wait_reason: JSON.stringify(reason), updated_at: new Date().toISOString(),
        ...(routeIndex === undefined ? {} : { route_index: routeIndex }),
      });
    return n === 1;
  }

  /**
   * Makes mail waiting on a connection for `code` due now (its connection became healthy): the
   * mail of that connection, and of the connections it is a fallback of (one or two links away).
   */
  async wakeWaiting(connectionId: string, code: string): Promise<number> {
    const linked = this.knex('connections').select('id').where({ id: connectionId }).orWhere({ fallback_id: connectionId })
      .orWhereIn('fallback_id', this.knex('connections').select('id').where({ fallback_id: connectionId }));
    return this.knex('deliveries')
      .whereIn('connection_id', linked)
      .andWhere({ status: 'queued' })
      .andWhere('wait_reason', 'like', `%"code":"${code}"%`)
      .update({ due_at: Date.now(), wait_reason: null });
  }

  /** Puts a failed (or unknown) delivery back in the queue for `extraAttempts` more attempts. */
  async requeue(scope: string, id: string, extraAttempts: number): Promise<Delivery | undefined> {
    const n = await this.knex('deliveries')
      .where({ scope, id })
      .whereIn('status', ['failed', 'unknown'])
      .whereNotNull('raw')
      .update({ status: 'queued', due_at: Date.now(), route_index: 0, max_attempts: this.knex.raw('attempts + ?', [extraAttempts]), updated_at: new Date().toISOString() });
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

/** Rows per group-committed insert (21 values each, far below either database's limit). */
const INSERT_BATCH = 100;

const LOST: DeliveryError = storedFailure(failure('WORKER_LOST', 'The worker sending this message stopped before it finished (its lease expired); it is sent again'));
