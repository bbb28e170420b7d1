import crypto from 'node:crypto';
import os from 'node:os';
import type { Config } from '../config.js';
import type { ConnectionService } from '../connections.js';
import { EnvoiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mailer.js';
import { SendFailure } from '../providers/smtp.js';
import type { Claimed, DeliveryError, DeliveryStore } from '../store/deliveries.js';
import type { Outbox } from './outbox.js';
import { retryDelayMs } from './retry.js';

export interface WorkerOptions {
  store: DeliveryStore;
  outbox: Outbox;
  connections: ConnectionService;
  mailer: Mailer;
  logger: Logger;
  config: Pick<Config, 'retryBaseMs' | 'leaseMs' | 'pollMs' | 'retentionDays'>;
  concurrency: number;
}

type Outcome = { kind: 'sent'; accepted: string[]; rejected: string[]; response: string } | { kind: 'error'; error: DeliveryError; transient: boolean };

/**
 * Claims due deliveries under a lease, sends them, records each attempt and the next state.
 * Any number of workers (in this process or others) may share one outbox: claims never overlap,
 * and a worker that dies simply lets its leases expire.
 */
export class Worker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private readonly inFlight = new Map<string, AbortController>();
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private lastRecovery = 0;
  private lastPurge = 0;
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
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.tick();
      } catch (err) {
        this.opts.logger.error('worker tick failed', { worker: this.id, err });
      }
      if (!this.running) break;
      // Busy: go again at once. Idle or full: sleep until woken by new mail, a finished send, or the poll.
      if (claimed > 0 && this.inFlight.size < this.opts.concurrency) continue;
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

  /** One round: recover expired leases now and then, purge old bodies daily, claim and start sends. */
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
    }
    const free = this.opts.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const batch = await this.opts.store.claim(this.id, free, now, now + this.opts.config.leaseMs);
    for (const c of batch) {
      const ac = new AbortController();
      this.inFlight.set(c.id, ac);
      void this.deliver(c, ac.signal).finally(() => {
        this.inFlight.delete(c.id);
        this.wake?.();
      });
    }
    return batch.length;
  }

  private async attempt(c: Claimed, signal: AbortSignal): Promise<Outcome> {
    try {
      const stored = await this.opts.connections.getById(c.connectionScope, c.connectionId);
      if (!stored) {
        return { kind: 'error', transient: false, error: { code: 'CONNECTION_NOT_FOUND', message: 'The connection of this delivery was deleted', hint: 'Send the message again through an existing connection.' } };
      }
      const conn = await this.opts.connections.withSecrets(stored);
      const info = await this.opts.mailer.sendRaw(conn, { envelope: c.envelope, raw: c.raw, signal });
      return { kind: 'sent', accepted: info.accepted, rejected: info.rejected, response: info.response };
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

  private async deliver(c: Claimed, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const outcome = await this.attempt(c, signal);
    const durationMs = Date.now() - started;
    const base = { number: c.attempts, startedAt, durationMs };
    let stored: boolean;
    try {
      if (signal.aborted) {
        // Shutdown cut this send short: put it back untouched for the next worker.
        stored = await this.opts.store.finish(c.id, this.id, { ...base, outcome: 'released', code: 'RELEASED', responseCode: null, reply: null, message: 'Released at shutdown before the server accepted it' }, { status: 'queued', dueAt: Date.now() });
      } else if (outcome.kind === 'sent') {
        stored = await this.opts.store.finish(
          c.id,
          this.id,
          { ...base, outcome: 'sent', code: null, responseCode: Number(/^\d{3}/.exec(outcome.response)?.[0] ?? 250), reply: outcome.response, message: outcome.rejected.length ? `Accepted for ${outcome.accepted.length}, rejected for ${outcome.rejected.length}` : null },
          { status: 'sent', accepted: outcome.accepted, rejected: outcome.rejected, response: outcome.response },
        );
      } else {
        const e = outcome.error;
        const retry = outcome.transient && c.attempts < c.maxAttempts;
        const attempt = { ...base, outcome: retry ? ('retry' as const) : ('failed' as const), code: e.code, responseCode: e.responseCode ?? null, reply: e.reply ?? null, message: e.message };
        stored = retry
          ? await this.opts.store.finish(c.id, this.id, attempt, { status: 'retrying', dueAt: Date.now() + retryDelayMs(c.attempts, this.opts.config.retryBaseMs, e.reply), error: e })
          : await this.opts.store.finish(c.id, this.id, attempt, { status: 'failed', error: e });
      }
    } catch (err) {
      stored = false;
      this.opts.logger.error('could not record a delivery attempt', { deliveryId: c.id, err });
    }
    if (!stored) this.opts.logger.warn('lost the lease before recording an attempt', { deliveryId: c.id, worker: this.id });
    this.opts.outbox.events.emit('attempt', c.id);
  }

  /** How many sends are running now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Stops claiming, lets running sends finish for up to `graceMs`, then aborts the rest, which
   * are released back to the queue (not counted as attempts).
   */
  async stop(graceMs = 10_000): Promise<void> {
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
  }
}
