import crypto from 'node:crypto';
import os from 'node:os';
import type { Config } from '../config.js';
import type { ConnectionService, ResolvedConnection } from '../connections.js';
import { EnvoiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mailer.js';
import { SendFailure } from '../providers/smtp.js';
import type { Attempt, Claimed, DeliveryError, DeliveryStore, FinishItem, NextState } from '../store/deliveries.js';
import type { RateLimitStore } from '../store/rate-limits.js';
import type { Outbox } from './outbox.js';
import { GroupCommit } from '../group-commit.js';
import { TtlCache } from '../ttl-cache.js';
import { retryDelayMs } from './retry.js';

export interface WorkerOptions {
  store: DeliveryStore;
  outbox: Outbox;
  connections: ConnectionService;
  mailer: Mailer;
  logger: Logger;
  rateLimits: RateLimitStore;
  config: Pick<Config, 'retryBaseMs' | 'leaseMs' | 'pollMs' | 'retentionDays' | 'dbDownExitMs' | 'healthLogMs' | 'workerConcurrency' | 'workerMaxBytes' | 'connectionMaxInFlight' | 'scopeMaxInFlight'>;
  /** Called once the database has been unreachable for longer than config.dbDownExitMs. */
  onDatabaseLost?: (downForMs: number) => void;
}

type Outcome =
  | { kind: 'sent'; accepted: string[]; rejected: string[]; deferred: string[]; deferredReply?: string | undefined; response: string }
  | { kind: 'error'; error: DeliveryError; transient: boolean }
  | { kind: 'deferred' };

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

/** Adds `by` to a count, dropping it at zero (so the claim's lists stay as short as what is busy). */
function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** Failures that say the connection itself is broken: every mail through it would fail the same way. */
const CONNECTION_FAULTS = new Set(['AUTH_FAILED', 'AUTH_METHOD_UNSUPPORTED', 'TLS_FAILED', 'STARTTLS_UNAVAILABLE', 'OAUTH_FAILED', 'SECRET_UNREADABLE']);
/** How long mail waits for an unhealthy connection before it checks again (a fix wakes it at once). */
const UNHEALTHY_RECHECK_MS = 5 * 60_000;
/** How long a worker reuses a connection it read (see Worker.connection). */
const CONNECTION_CACHE_MS = 1000;

/**
 * Claims due deliveries under a lease, sends them, records each attempt and the next state.
 * Any number of workers (in this process or others) may share one outbox: claims never overlap,
 * and a worker that dies simply lets its leases expire.
 */
export class Worker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private readonly inFlight = new Map<string, AbortController>();
  /** Bytes of the messages in flight (bounded by config.workerMaxBytes). */
  private bytesInFlight = 0;
  /** Sends in flight per connection and per scope: each gets only its share (see claimDue). */
  private readonly busyByConnection = new Map<string, number>();
  private readonly busyByScope = new Map<string, number>();
  /** How many deliveries the last claim asked for. */
  private lastAsked = 0;
  private readonly connections = new TtlCache<ResolvedConnection | undefined>({ ttlMs: CONNECTION_CACHE_MS, max: 10_000, keep: (c) => c !== undefined });
  /** Attempts that end while one group is being written are written together by the next. */
  private readonly finishing = new GroupCommit((items: FinishItem[]) => this.opts.store.finishMany(this.id, items), { max: 100 });
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private lastRecovery = 0;
  private lastPurge = 0;
  private dbDownSince: number | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly counts = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
  private readonly onQueued = () => this.wake?.();

  constructor(private readonly opts: WorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.outbox.events.on('queued', this.onQueued);
    this.leaseTimer = setInterval(() => {
      void this.opts.store
        .renewLeases(this.id, [...this.inFlight.keys()], Date.now() + this.opts.config.leaseMs)
        .catch((err) => this.opts.logger.warn('lease renewal failed', { err }));
    }, Math.max(50, Math.floor(this.opts.config.leaseMs / 3)));
    this.leaseTimer.unref();
    // The health signal: one line a minute with what this worker did.
    this.healthTimer = setInterval(() => {
      this.opts.logger.info('worker health', { worker: this.id, busy: this.inFlight.size, ...this.counts });
      for (const k of Object.keys(this.counts) as Array<keyof typeof this.counts>) this.counts[k] = 0;
    }, this.opts.config.healthLogMs);
    this.healthTimer.unref();
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.tick();
        if (this.dbDownSince !== undefined) this.opts.logger.info('database reachable again', { worker: this.id, downForMs: Date.now() - this.dbDownSince });
        this.dbDownSince = undefined;
      } catch (err) {
        const now = Date.now();
        this.dbDownSince ??= now;
        this.opts.logger.error('worker tick failed', { worker: this.id, downForMs: now - this.dbDownSince, err });
        if (now - this.dbDownSince > this.opts.config.dbDownExitMs) {
          this.opts.onDatabaseLost?.(now - this.dbDownSince);
        }
      }
      if (!this.running) break;
      // A claim that filled every free slot may have left more due: go again at once. Otherwise the
      // queue (or this worker's share of it) is empty for now: sleep until woken by new mail, a
      // finished send, or the poll. Claiming again at once would only rescan what was just skipped.
      if (claimed > 0 && claimed === this.lastAsked && this.inFlight.size < this.opts.config.workerConcurrency) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.config.pollMs);
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** One round: recover expired leases now and then, purge old bodies hourly (from the first round), claim and start sends. */
  async tick(): Promise<number> {
    const now = Date.now();
    if (now - this.lastRecovery > Math.min(5000, this.opts.config.leaseMs / 2)) {
      this.lastRecovery = now;
      const recovered = await this.opts.store.recoverExpired(now, this.id);
      if (recovered) this.opts.logger.warn('recovered deliveries whose worker stopped', { worker: this.id, recovered });
    }
    if (now - this.lastPurge > 3_600_000) {
      this.lastPurge = now;
      const before = new Date(now - this.opts.config.retentionDays * 86_400_000).toISOString();
      const purged = await this.opts.store.purgeBodies(before);
      if (purged) this.opts.logger.info('purged bodies of sent deliveries', { purged, before });
      // Rate-limit events older than any window: without this the table grows with every send.
      await this.opts.rateLimits.prune(now);
    }
    const free = this.opts.config.workerConcurrency - this.inFlight.size;
    const bytesLeft = this.opts.config.workerMaxBytes - this.bytesInFlight;
    this.lastAsked = free;
    if (free <= 0 || (bytesLeft <= 0 && this.inFlight.size > 0)) return 0;
    const batch = await this.opts.store.claim({
      worker: this.id, limit: free, now, leaseUntil: now + this.opts.config.leaseMs, maxBytes: Math.max(1, bytesLeft),
      busyByConnection: this.busyByConnection, busyByScope: this.busyByScope,
      connectionCap: this.opts.config.connectionMaxInFlight, scopeCap: this.opts.config.scopeMaxInFlight,
    });
    this.counts.claimed += batch.length;
    for (const c of batch) {
      const ac = new AbortController();
      this.inFlight.set(c.id, ac);
      this.bytesInFlight += c.size;
      bump(this.busyByConnection, c.connectionId, 1);
      bump(this.busyByScope, c.scope, 1);
      void this.deliver(c, ac.signal).finally(() => {
        this.inFlight.delete(c.id);
        this.bytesInFlight -= c.size;
        bump(this.busyByConnection, c.connectionId, -1);
        bump(this.busyByScope, c.scope, -1);
        this.wake?.();
      });
    }
    return batch.length;
  }

  private async attempt(c: Claimed, signal: AbortSignal): Promise<Outcome> {
    try {
      const stored = await this.connection(c.connectionScope, c.connectionId);
      if (!stored) {
        return { kind: 'error', transient: false, error: { code: 'CONNECTION_NOT_FOUND', message: 'The connection of this delivery was deleted', hint: 'Send the message again through an existing connection.' } };
      }
      if (stored.health.status === 'unhealthy' && c.maxAttempts > 1) {
        // Waiting costs no attempt; a passing test or an edit of the connection wakes the mail.
        const e = stored.health.lastError;
        await this.defer(c, Date.now() + UNHEALTHY_RECHECK_MS, {
          code: 'CONNECTION_UNHEALTHY',
          message: `Waiting: connection "${stored.name}" failed with ${e?.code ?? 'an error'}${e ? ` (${e.message})` : ''}`,
          hint: 'Fix the connection (edit it, or run its test until it passes); waiting mail is then sent at once.',
        });
        return { kind: 'deferred' };
      }
      let slot: number | undefined;
      if (stored.settings.rateLimit) {
        const r = await this.opts.rateLimits.acquire(stored.id, c.id, stored.settings.rateLimit);
        if (!r.ok) {
          const { messages, perSeconds } = stored.settings.rateLimit;
          // Spread the wait a little so mail held together does not all come back at once.
          await this.defer(c, Date.now() + r.waitMs + Math.floor(Math.random() * Math.min(1000, perSeconds * 100)), {
            code: 'RATE_LIMITED',
            message: `Waiting for the rate limit of connection "${stored.name}" (${messages} per ${perSeconds} s)`,
          });
          return { kind: 'deferred' };
        }
        slot = r.eventId;
      }
      try {
        const conn = stored;
        const info = await this.opts.mailer.sendRaw(conn, { envelope: c.envelope, raw: c.raw, signal });
        return { kind: 'sent', accepted: info.accepted, rejected: info.rejected, deferred: info.deferred, deferredReply: info.deferredReply, response: info.response };
      } finally {
        if (slot !== undefined) await this.opts.rateLimits.complete(slot).catch((err) => this.opts.logger.warn('could not record a rate-limit slot', { err }));
      }
    } catch (err) {
      if (err instanceof SendFailure) {
        const f = err.failure;
        return { kind: 'error', transient: f.transient, error: { code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) } };
      }
      if (err instanceof EnvoiError) {
        // Policy and configuration errors (HOST_NOT_ALLOWED, SECRET_UNREADABLE, …) will not fix themselves.
        return { kind: 'error', transient: false, error: { code: err.code, message: err.message, hint: err.hint } };
      }
      this.opts.logger.error('unexpected delivery error', { deliveryId: c.id, err });
      return { kind: 'error', transient: true, error: { code: 'INTERNAL', message: 'Envoi hit an unexpected error while sending', hint: 'It is retried; the server log has the details.' } };
    }
  }

  /**
   * A connection with its secrets, remembered for a moment: a batch of mail usually shares one
   * connection, and reading it (and opening its secret) for every message costs more than the
   * send. Edits in this process forget it at once; elsewhere they take effect within the TTL.
   */
  private connection(scope: string, id: string): Promise<ResolvedConnection | undefined> {
    return this.connections.get(id, async () => {
      const stored = await this.opts.connections.getById(scope, id);
      return stored ? this.opts.connections.withSecrets(stored) : undefined;
    });
  }

  /** Forgets a remembered connection (it was edited, deleted, or its health changed). */
  forget(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  private async defer(c: Claimed, dueAt: number, reason: DeliveryError): Promise<void> {
    this.counts.deferred++;
    await this.opts.store.defer(c.id, this.id, dueAt, reason);
  }

  private async deliver(c: Claimed, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const outcome = await this.attempt(c, signal);
    if (outcome.kind === 'deferred') return;
    const base = { number: c.attempts, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
    let stored = false;
    try {
      stored = await this.record(c, signal.aborted ? undefined : outcome, base);
    } catch (err) {
      this.opts.logger.error('could not record a delivery attempt', { deliveryId: c.id, err });
    }
    if (!stored) this.opts.logger.warn('lost the lease before recording an attempt', { deliveryId: c.id, worker: this.id });
    this.opts.outbox.events.emit('attempt', c.id);
  }

  /** Records an attempt and the delivery's next state; `undefined` outcome: released at shutdown. */
  private async record(c: Claimed, outcome: Exclude<Outcome, { kind: 'deferred' }> | undefined, base: Pick<Attempt, 'number' | 'startedAt' | 'durationMs'>): Promise<boolean> {
    const finish = (attempt: Omit<Attempt, 'worker' | 'number' | 'startedAt' | 'durationMs'>, next: NextState) => this.finish(c.id, { ...base, ...attempt }, next);
    if (!outcome) {
      // Shutdown cut this send short: put it back untouched for the next worker.
      return finish({ outcome: 'released', code: 'RELEASED', responseCode: null, reply: null, message: 'Released at shutdown before the server accepted it' }, { status: 'queued', dueAt: Date.now() });
    }
    if (outcome.kind === 'sent') {
      // Earlier attempts may have reached some recipients already: the record keeps them all.
      const accepted = union(c.accepted, outcome.accepted);
      const rejected = union(c.rejected, outcome.rejected);
      const { deferred } = outcome;
      const counts = `Accepted for ${outcome.accepted.length}${deferred.length ? `, deferred for ${deferred.length}` : ''}${outcome.rejected.length ? `, rejected for ${outcome.rejected.length}` : ''}`;
      if (deferred.length && c.attempts < c.maxAttempts) {
        // A 4xx for some recipients (greylisting, a full mailbox for now): those alone go again,
        // with the same Message-ID; the ones that have the mail never get it twice.
        this.counts.retried++;
        const reply = outcome.deferredReply ?? null;
        const responseCode = Number(/^\d{3}/.exec(reply ?? '')?.[0]) || null;
        const error: DeliveryError = {
          code: 'RECIPIENT_REJECTED',
          message: `The server deferred ${deferred.join(', ')}; ${deferred.length === 1 ? 'it is' : 'they are'} tried again`,
          hint: 'Nothing to do: deferred recipients are retried alone, and the others already have the mail.',
          ...(responseCode ? { responseCode } : {}),
          ...(reply ? { reply } : {}),
        };
        return finish(
          { outcome: 'retry', code: error.code, responseCode, reply, message: counts },
          { status: 'retrying', dueAt: Date.now() + retryDelayMs(c.attempts, this.opts.config.retryBaseMs, reply), error, partial: { envelope: { from: c.envelope.from, to: deferred }, accepted, rejected } },
        );
      }
      this.counts.sent++;
      // Out of attempts, recipients still deferred did not get it: they are listed as rejected.
      const message = deferred.length ? `${counts}; gave up on the deferred after ${c.attempts} attempts` : outcome.rejected.length ? counts : null;
      return finish(
        { outcome: 'sent', code: null, responseCode: Number(/^\d{3}/.exec(outcome.response)?.[0] ?? 250), reply: outcome.response, message },
        { status: 'sent', accepted, rejected: union(rejected, deferred), response: outcome.response },
      );
    }
    const e = outcome.error;
    const failure = { code: e.code, responseCode: e.responseCode ?? null, reply: e.reply ?? null, message: e.message };
    if (CONNECTION_FAULTS.has(e.code) && c.maxAttempts > 1) {
      // The connection is broken, not this mail: mark it unhealthy and let its mail wait.
      this.forget(c.connectionId);
      if (await this.opts.connections.setHealth(c.connectionId, { status: 'unhealthy', lastError: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } })) {
        this.opts.logger.warn('connection marked unhealthy', { connectionId: c.connectionId, code: e.code });
      }
      this.counts.deferred++;
      const reason = { ...e, code: 'CONNECTION_UNHEALTHY', message: `Waiting: the connection failed with ${e.code} (${e.message})`, hint: e.hint ?? 'Fix the connection; waiting mail is then sent at once.' };
      return finish({ outcome: 'retry', ...failure }, { status: 'waiting', dueAt: Date.now() + UNHEALTHY_RECHECK_MS, reason });
    }
    if (outcome.transient && c.attempts < c.maxAttempts) {
      this.counts.retried++;
      return finish({ outcome: 'retry', ...failure }, { status: 'retrying', dueAt: Date.now() + retryDelayMs(c.attempts, this.opts.config.retryBaseMs, e.reply), error: e });
    }
    if (c.accepted.length) {
      // An earlier attempt delivered to some recipients: the delivery is sent, the rest refused.
      this.counts.sent++;
      return finish({ outcome: 'failed', ...failure }, { status: 'sent', accepted: c.accepted, rejected: union(c.rejected, c.envelope.to), response: e.reply ?? e.message });
    }
    this.counts.failed++;
    return finish({ outcome: 'failed', ...failure }, { status: 'failed', error: e });
  }

  /** Records an attempt with the next group commit. */
  private finish(id: string, attempt: Omit<Attempt, 'worker'>, next: NextState): Promise<boolean> {
    return this.finishing.add({ id, attempt, next });
  }

  /**
   * Stops claiming, lets running sends finish for up to `graceMs`, then aborts the rest, which
   * are released back to the queue (not counted as attempts).
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.opts.outbox.events.off('queued', this.onQueued);
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ac of this.inFlight.values()) ac.abort(new Error('worker stopping'));
    while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 10));
    clearInterval(this.leaseTimer);
    clearInterval(this.healthTimer);
  }
}
