import crypto from 'node:crypto';
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import type { Config } from '../config.js';
import type { ConnectionService } from '../connections.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mailer.js';
import type { SendControl } from '../providers/send-control.js';
import type { ClaimShares } from '../store/claim.js';
import type { Claimed, DeliveryStore } from '../store/deliveries.js';
import type { ResolvedConnection } from '../connections.js';
import type { RateLimitStore } from '../store/rate-limits.js';
import type { Outbox } from './outbox.js';
import { decide, type Decision } from './decide.js';
import { OutcomeWriter, type AttemptRecorded } from './outcome-writer.js';
import { bump } from './busy-counts.js';
import { SendAttempts, type Routed } from './send-attempt.js';
import type { DkimSigner } from '../dkim/signer.js';

export interface WorkerOptions {
  store: DeliveryStore;
  outbox: Outbox;
  connections: ConnectionService;
  mailer: Mailer;
  logger: Logger;
  rateLimits: RateLimitStore;
  config: Pick<Config, 'retryBaseMs' | 'leaseMs' | 'pollMs' | 'retentionDays' | 'dbDownExitMs' | 'healthLogMs' | 'workerConcurrency' | 'workerMaxBytes' | 'unknownRetries' | 'connectionMaxInFlight' | 'scopeMaxInFlight'>;
  /** Called once the database has been unreachable for longer than config.dbDownExitMs. */
  onDatabaseLost?: (downForMs: number) => void;
  /** Told of every attempt once it is stored (metrics, debug lines). */
  onRecorded?: AttemptRecorded;
  /** A fallback takes the mail (logged by connector/events/connection-events.ts; its event is written with the attempt). */
  onFailover?: (c: Claimed, failover: NonNullable<Decision['failover']>, attempt: Decision['attempt']) => void;
  dkim?: DkimSigner;
}

/** A delivery this worker holds: how to stop its send, and whether the send still runs. */
interface InFlight {
  release: AbortController;
  deadline: AbortController;
  sending: boolean;
}

/** How long a stopping worker waits, at least, for results it still has to write. */
const MIN_WRITE_GRACE_MS = 5000;

/**
 * Claims due deliveries under a lease, sends them, records each attempt and the next state.
 * Any number of workers (in this process or others) may share one outbox: claims never overlap,
 * and a worker that dies simply lets its leases expire.
 */
export class Worker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private readonly inFlight = new Map<string, InFlight>();
  /** Bytes of the messages in flight (bounded by config.workerMaxBytes). */
  private bytesInFlight = 0;
  /** Sends in flight per connection and per scope: each gets only its share (see claimDue). */
  private readonly busyByConnection = new Map<string, number>();
  private readonly busyByScope = new Map<string, number>();
  /** Connections whose pool is larger than the default share allows: their own share. */
  private readonly capOf = new Map<string, number>();
  /** How many deliveries the last claim asked for. */
  private lastAsked = 0;
  private readonly attempts: SendAttempts;
  private readonly writer: OutcomeWriter;
  /** Aborted when a stopping worker gives up writing results (the database stayed away). */
  private readonly writeGiveUp = new AbortController();
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private lastRecovery = 0;
  private lastPurge = 0;
  private dbDownSince: number | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly counts = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0, unknown: 0, released: 0 };
  /**
   * New mail wakes the claim loop, unless this worker already runs its connection's or scope's
   * share: a tenant flooding a dead relay would otherwise cost a claim per execute for nothing.
   */
  private readonly onQueued = (_id: string, of?: { connectionId: string; scope: string }) => {
    const { scopeMaxInFlight } = this.opts.config;
    if (of && ((this.busyByConnection.get(of.connectionId) ?? 0) >= this.capFor(of.connectionId) || (this.busyByScope.get(of.scope) ?? 0) >= scopeMaxInFlight)) return;
    this.wake?.();
  };

  constructor(private readonly opts: WorkerOptions) {
    // Every result waiting for the database listens to it.
    setMaxListeners(0, this.writeGiveUp.signal);
    const { store, connections, mailer, rateLimits, logger } = opts;
    this.attempts = new SendAttempts({ store, connections, mailer, rateLimits, logger, worker: this.id, onDeferred: () => this.counts.deferred++, onConnection: (c) => this.learnCap(c), dkim: opts.dkim });
    this.writer = new OutcomeWriter({ store, worker: this.id, logger, onRecorded: opts.onRecorded, foreground: opts.outbox.foreground });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.outbox.events.on('queued', this.onQueued);
    this.leaseTimer = setInterval(() => {
      void this.renewLeases().catch((err) => this.opts.logger.warn('lease renewal failed', { worker: this.id, err }));
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

  /** Extends the leases of every delivery this worker holds (sending, or its result unwritten). */
  private renewLeases(): Promise<void> {
    return this.opts.store.renewLeases(this.id, [...this.inFlight.keys()], Date.now() + this.opts.config.leaseMs);
  }

  /** One round: recover expired leases now and then, purge old bodies hourly (from the first round), claim and start sends. */
  async tick(): Promise<number> {
    // Results not written yet: claim nothing, and recover nothing (that could take back this
    // worker's own rows, whose leases may have run out while the database was away).
    if (this.writer.pending > 0) return 0;
    const now = Date.now();
    if (now - this.lastRecovery > Math.min(5000, this.opts.config.leaseMs / 2)) {
      this.lastRecovery = now;
      // Renewals may have failed (the database was away): renew first, or recovery would take
      // back this worker's own sends still under way. Failing here skips recovery this round.
      await this.renewLeases();
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
    await this.opts.outbox.foreground.quiet();
    const batch = await this.opts.store.claim({
      worker: this.id, limit: free, now, leaseUntil: now + this.opts.config.leaseMs, maxBytes: Math.max(1, bytesLeft),
      ...this.room(),
    });
    this.counts.claimed += batch.length;
    if (batch.length) this.opts.logger.debug('claimed deliveries', { worker: this.id, deliveryIds: batch.map((c) => c.id), free, bytesLeft });
    for (const c of batch) {
      const f: InFlight = { release: new AbortController(), deadline: new AbortController(), sending: true };
      this.inFlight.set(c.id, f);
      this.bytesInFlight += c.size;
      bump(this.busyByConnection, c.connectionId, 1);
      bump(this.busyByScope, c.scope, 1);
      void this.deliver(c, f).finally(() => {
        this.inFlight.delete(c.id);
        this.bytesInFlight -= c.size;
        bump(this.busyByConnection, c.connectionId, -1);
        bump(this.busyByScope, c.scope, -1);
        this.wake?.();
      });
    }
    return batch.length;
  }

  /**
   * A connection's share of this worker: ENVOI_CONNECTION_MAX_IN_FLIGHT, or twice its pool when
   * that is larger (a pool of 50 SMTP connections should not be held to 16 sends).
   */
  private capFor(connectionId: string): number {
    return this.capOf.get(connectionId) ?? this.opts.config.connectionMaxInFlight;
  }

  private learnCap(c: ResolvedConnection): void {
    const cap = 2 * (c.settings.pool?.maxConnections ?? 0);
    if (cap > this.opts.config.connectionMaxInFlight) this.capOf.set(c.id, cap);
    else this.capOf.delete(c.id);
  }

  /** What each busy connection and scope (and each connection with a share of its own) may still start. */
  private room(): ClaimShares {
    const roomByConnection = new Map<string, number>();
    for (const id of new Set([...this.busyByConnection.keys(), ...this.capOf.keys()])) roomByConnection.set(id, this.capFor(id) - (this.busyByConnection.get(id) ?? 0));
    const roomByScope = new Map([...this.busyByScope].map(([scope, n]) => [scope, this.opts.config.scopeMaxInFlight - n] as const));
    return { roomByConnection, roomByScope, connectionCap: this.opts.config.connectionMaxInFlight, scopeCap: this.opts.config.scopeMaxInFlight };
  }

  /** Forgets a remembered connection (it was edited, deleted, or its health changed). */
  forget(connectionId: string): void {
    this.attempts.forget(connectionId);
  }

  /** One attempt of a claimed delivery, its result written (however long the database takes). */
  private async deliver(c: Claimed, f: InFlight): Promise<void> {
    const started = Date.now();
    const control: SendControl = { release: f.release.signal, deadline: f.deadline.signal };
    const outcome = await this.attempts.run(c, control);
    f.sending = false;
    if (outcome.kind === 'deferred') {
      // Waiting on a broken connection ends a first attempt too (`?wait` answers it).
      this.opts.outbox.events.emit('attempt', c.id);
      return;
    }
    try {
      const stored = await this.record(c, outcome, started);
      if (!stored) this.opts.logger.warn('lost the lease before recording an attempt', { deliveryId: c.id, worker: this.id });
    } catch (err) {
      this.opts.logger.error('could not record a delivery attempt', { deliveryId: c.id, worker: this.id, err });
    }
    this.opts.outbox.events.emit('attempt', c.id);
  }

  /** Decides where the delivery goes after `outcome` and writes it; false when the lease was lost. */
  private async record(c: Claimed, outcome: Exclude<Routed, { kind: 'deferred' }>, started: number): Promise<boolean> {
    const giveUp = this.writeGiveUp.signal;
    const unknownAttempts = outcome.kind === 'error' && outcome.failure.outcomeUnknown ? await this.writer.persist('read the unknown outcomes', c.id, () => this.opts.store.unknownAttempts(c.id), giveUp) : 0;
    const d = decide(outcome, { ...c, unknownAttempts, route: outcome.route }, this.opts.config);
    this.counts[d.tally]++;
    if (d.unhealthy) await this.markUnhealthy(outcome.route?.connection.id ?? c.connectionId, d.unhealthy);
    if (d.failover) this.opts.onFailover?.(c, d.failover, d.attempt);
    if (d.tally === 'unknown') this.opts.logger.warn('outcome of an attempt unknown', { deliveryId: c.id, code: d.attempt.code, next: d.next.status });
    const attempt = { ...d.attempt, number: c.attempts, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
    const failover = d.failover ? { ...d.failover, connectionScope: c.connectionScope, deliveryScope: c.scope } : undefined;
    return this.writer.write({ id: c.id, scope: c.scope, attempt, next: d.next, ...(failover ? { failover } : {}) }, giveUp);
  }

  /** The connection is broken, not the mail: mark it unhealthy so its mail waits for a fix. */
  private async markUnhealthy(connectionId: string, e: { code: string; message: string; hint?: string | undefined }): Promise<void> {
    this.forget(connectionId);
    try {
      if (await this.opts.connections.setHealth(connectionId, { status: 'unhealthy', lastError: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } })) {
        this.opts.logger.warn('connection marked unhealthy', { connectionId, code: e.code });
      }
    } catch (err) {
      this.opts.logger.error('could not mark a connection unhealthy', { connectionId, err });
    }
  }

  /**
   * Stops cleanly: claims nothing more; releases at once every send that has not reached the
   * server's DATA (it can never go out afterwards); gives sends past DATA up to `graceMs` to
   * finish, then cuts them (one still streaming is released before its final dot, one whose dot
   * went out is recorded as unknown); and waits for every result to be written.
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.opts.outbox.events.off('queued', this.onQueued);
    this.wake?.();
    await this.loop;
    for (const f of this.inFlight.values()) f.release.abort();
    const deadline = Date.now() + graceMs;
    const sending = () => [...this.inFlight.values()].some((f) => f.sending);
    while (sending() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const f of this.inFlight.values()) f.deadline.abort();
    // Results still unwritten (the database is away) are tried a while longer, then given up:
    // their leases run out and another worker takes the mail, as after a crash.
    const writeDeadline = Date.now() + Math.max(MIN_WRITE_GRACE_MS, graceMs);
    while (this.inFlight.size > 0 && Date.now() < writeDeadline) await new Promise((r) => setTimeout(r, 10));
    if (this.inFlight.size > 0) {
      this.opts.logger.error('stopping with attempt results unwritten', { worker: this.id, deliveries: [...this.inFlight.keys()] });
      this.writeGiveUp.abort();
      while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 10));
    }
    clearInterval(this.leaseTimer);
    clearInterval(this.healthTimer);
  }
}
