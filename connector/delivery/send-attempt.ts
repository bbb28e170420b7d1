import type { ConnectionService, ResolvedConnection } from '../connections.js';
import { EnvoiError } from '../errors.js';
import { failure, isFailureCode } from '../failures.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mailer.js';
import { SendReleased, type SendControl } from '../providers/send-control.js';
import { SendFailure } from '../providers/smtp/smtp.js';
import type { Claimed, DeliveryError, DeliveryStore } from '../store/deliveries.js';
import type { RateLimitStore } from '../store/rate-limits.js';
import { TtlCache } from '../ttl-cache.js';
import { MAX_CHAIN } from '../connection-fallback.js';
import type { DkimSigner } from '../dkim/signer.js';
import { providerOf } from '../providers/registry.js';
import { UNHEALTHY_RECHECK_MS, type Outcome, type Route } from './decide.js';

/** An attempt's outcome and the connection of the chain it went through (when it reached one). */
export type Routed = (Outcome | { kind: 'deferred' }) & { route?: Route };

/** How long a worker reuses a connection it read (see SendAttempts.connection). */
const CONNECTION_CACHE_MS = 1000;

export interface SendAttemptsOptions {
  store: DeliveryStore;
  connections: ConnectionService;
  mailer: Mailer;
  rateLimits: RateLimitStore;
  logger: Logger;
  worker: string;
  /** Called when mail is put back to wait (rate limit, unhealthy connection). */
  onDeferred: () => void;
  /** Called with the connection a send goes through (the worker sizes its share from its pool). */
  onConnection?: (c: ResolvedConnection) => void;
  /** Signs the mail with the From domain's DKIM key when the connection's provider takes Envoi's signature. */
  dkim?: DkimSigner | undefined;
}

/**
 * One attempt of a claimed delivery: find its connection, wait instead when the connection is
 * known broken or over its rate limit, else send and report how it went (never throws).
 */
export class SendAttempts {
  private readonly cache = new TtlCache<ResolvedConnection | undefined>({ ttlMs: CONNECTION_CACHE_MS, max: 10_000, keep: (c) => c !== undefined });

  constructor(private readonly opts: SendAttemptsOptions) {}

  /** Sends `c`; `deferred` when it was put back to wait without an attempt. */
  run(c: Claimed, control: SendControl): Promise<Routed> {
    // Every line logged on the way (providers, token clients, pools) says which delivery it is about.
    return this.attempt(c, control);
  }

  private async attempt(c: Claimed, control: SendControl): Promise<Routed> {
    let route: Route | undefined;
    try {
      const chain = await this.chain(c);
      if (!chain.length) {
        return { kind: 'error', failure: failure('CONNECTION_NOT_FOUND', 'The connection of this delivery was deleted') };
      }
      const healthy = (i: number) => chain[i]!.health.status !== 'unhealthy';
      const firstHealthy = (from: number) => chain.findIndex((_, i) => i >= from && healthy(i));
      const start = c.routeIndex < chain.length ? c.routeIndex : 0;
      // An unhealthy connection is skipped while it stays so (design.md "Failover").
      let index = firstHealthy(start);
      if (index < 0) index = firstHealthy(0);
      if (index < 0 && c.maxAttempts > 1) {
        // Waiting costs no attempt; a passing test or an edit of the connection wakes the mail.
        const stored = chain[0]!;
        const e = stored.health.lastError;
        await this.defer(c, Date.now() + UNHEALTHY_RECHECK_MS, {
          code: 'CONNECTION_UNHEALTHY',
          message: `Waiting: connection "${stored.name}" failed with ${e?.code ?? 'an error'}${e ? ` (${e.message})` : ''}`,
          hint: 'Fix the connection (edit it, or run its test until it passes); waiting mail is then sent at once.',
        }, 0);
        return { kind: 'deferred' };
      }
      if (index < 0) index = start;
      const stored = chain[index]!;
      this.opts.onConnection?.(stored);
      const next = firstHealthy(index + 1);
      const ref = (i: number) => ({ id: chain[i]!.id, name: chain[i]!.name });
      route = { index, connection: ref(index), next: next < 0 ? undefined : { index: next, connection: ref(next) } };
      if (index !== start) {
        this.opts.logger.warn('connection failover', { deliveryId: c.id, from: ref(start), to: route.connection, reason: 'CONNECTION_UNHEALTHY' });
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
        const signed = this.opts.dkim ? await this.opts.dkim.sign(c.scope, providerOf(stored.provider), c.raw) : { raw: c.raw };
        const info = await this.opts.mailer.sendRaw(stored, { envelope: c.envelope, raw: signed.raw, control, deliveryId: c.id });
        // The first send through a connection shows it works (design.md "A connection": health).
        if (stored.health.status === 'untested') {
          await this.opts.connections.markWorking(stored.id).catch((err: unknown) => this.opts.logger.warn('could not mark a connection as working', { deliveryId: c.id, connectionId: stored.id, err }));
        }
        return {
          route, kind: 'sent', dkim: signed.dkim, accepted: info.accepted, rejected: info.rejected, deferred: info.deferred,
          deferredReply: info.deferredReply, deferredResponseCode: info.deferredResponseCode, response: info.response, responseCode: info.responseCode, providerMessageId: info.providerMessageId,
        };
      } finally {
        if (slot !== undefined) await this.opts.rateLimits.complete(slot).catch((err) => this.opts.logger.warn('could not record a rate-limit slot', { deliveryId: c.id, err }));
      }
    } catch (err) {
      if (err instanceof SendReleased) return { route, kind: 'released', message: err.message };
      if (err instanceof SendFailure) return { route, kind: 'error', failure: err.failure };
      if (err instanceof EnvoiError) {
        // Policy and configuration errors (HOST_NOT_ALLOWED, SECRET_UNREADABLE, …) will not fix
        // themselves; the catalogue says which of them are the connection's fault.
        if (isFailureCode(err.code)) return { route, kind: 'error', failure: failure(err.code, err.message, { hint: err.hint, transient: false }) };
        this.opts.logger.error('unexpected error code while sending', { deliveryId: c.id, code: err.code });
        return { route, kind: 'error', failure: failure('INTERNAL', `${err.code}: ${err.message}`, { hint: err.hint, transient: false }) };
      }
      this.opts.logger.error('unexpected delivery error', { deliveryId: c.id, err });
      return { route, kind: 'error', failure: failure('INTERNAL', 'Envoi hit an unexpected error while sending') };
    }
  }

  /**
   * The delivery's chain: its connection, then each fallback in turn (at most MAX_CHAIN, and
   * never one twice, whatever concurrent edits left behind). A test mail (one attempt) tests its
   * own connection alone.
   */
  private async chain(c: Claimed): Promise<ResolvedConnection[]> {
    const out: ResolvedConnection[] = [];
    for (let id: string | undefined = c.connectionId; id && out.length < (c.maxAttempts > 1 ? MAX_CHAIN : 1) && !out.some((x) => x.id === id); ) {
      const conn = await this.connection(c.connectionScope, id);
      if (!conn) break;
      out.push(conn);
      id = conn.fallback?.id;
    }
    return out;
  }

  /**
   * A connection with its secrets, remembered for a moment: a batch of mail usually shares one
   * connection, and reading it (and opening its secret) for every message costs more than the
   * send. Edits in this process forget it at once; elsewhere they take effect within the TTL.
   */
  private connection(scope: string, id: string): Promise<ResolvedConnection | undefined> {
    return this.cache.get(id, async () => {
      const stored = await this.opts.connections.getById(scope, id);
      return stored ? this.opts.connections.withSecrets(stored) : undefined;
    });
  }

  /** Forgets a remembered connection (it was edited, deleted, or its health changed). */
  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }

  private async defer(c: Claimed, dueAt: number, reason: DeliveryError, routeIndex?: number): Promise<void> {
    this.opts.onDeferred();
    await this.opts.store.defer(c.id, this.opts.worker, dueAt, reason, routeIndex);
  }
}
