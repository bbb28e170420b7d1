import { failure, storedFailure, type Failure } from '../failures.js';
import type { ConnectionRef } from '../store/connections.js';
import type { Attempt, Claimed, DeliveryError, NextState } from '../store/deliveries.js';
import { retryDelayMs } from './retry.js';

/** How one attempt ended, as the worker saw it. */
export type Outcome =
  | {
      kind: 'sent'; accepted: string[]; rejected: string[]; deferred: string[];
      /** The server's reply (and its code) to the first deferred recipient. */
      deferredReply?: string | undefined; deferredResponseCode?: number | undefined;
      response: string; responseCode?: number | undefined;
      providerMessageId?: string | undefined;
      /** The DKIM key that signed the message, when one did. */
      dkim?: { domain: string; selector: string } | undefined;
    }
  /** The failure as its reader made it (connector/failures.ts): transient, the connection's fault, outcome unknown. */
  | { kind: 'error'; failure: Failure }
  /** Given up at shutdown before anything could reach the server. */
  | { kind: 'released'; message: string };

/** What an attempt counts as in the worker's health line. */
export type Tally = 'sent' | 'retried' | 'failed' | 'deferred' | 'unknown' | 'released';

/** The decision after an attempt: what to record, where the delivery goes, and what else to do. */
export interface Decision {
  attempt: Omit<Attempt, 'worker' | 'number' | 'startedAt' | 'durationMs'>;
  next: NextState;
  tally: Tally;
  /** The connection is at fault: mark it unhealthy with this error. */
  unhealthy?: DeliveryError;
  /** The next attempt goes at once through the next connection of the chain (design.md "Failover"). */
  failover?: { from: ConnectionRef; to: ConnectionRef };
}

/**
 * Where an attempt went in its delivery's chain of connections (the primary, then its fallbacks):
 * which one, and the index of the next healthy one after it, if any.
 */
export interface Route {
  index: number;
  connection: ConnectionRef;
  next?: { index: number; connection: ConnectionRef } | undefined;
}

export interface DecideConfig {
  retryBaseMs: number;
  /** Attempts allowed after an unknown outcome (ENVOI_UNKNOWN_RETRIES). */
  unknownRetries: number;
}

/** What the decision needs of the claimed delivery, plus its unknown outcomes so far (before this one). */
export type DecideClaimed = Pick<Claimed, 'attempts' | 'maxAttempts' | 'accepted' | 'rejected' | 'envelope'> & { unknownAttempts: number; route?: Route | undefined };

/** How long mail waits for an unhealthy connection before it checks again (a fix wakes it at once). */
export const UNHEALTHY_RECHECK_MS = 5 * 60_000;

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

/**
 * The worker's decision after an attempt, as a pure function of the outcome, the claimed delivery
 * and the configuration (the clock and the jitter are passed in for tests).
 */
export function decide(outcome: Outcome, c: DecideClaimed, config: DecideConfig, now = Date.now(), random: () => number = Math.random): Decision {
  const connection = c.route?.connection ?? null;
  if (outcome.kind === 'released') {
    // Nothing reached the server: put it back untouched for the next worker.
    return { attempt: { outcome: 'released', code: 'RELEASED', stage: null, responseCode: null, reply: null, hint: null, message: outcome.message, connection }, next: { status: 'queued', dueAt: now }, tally: 'released' };
  }
  if (outcome.kind === 'sent') return decideSent(outcome, c, config, now, random);
  const f = outcome.failure;
  const e = storedFailure(f);
  const recorded = { code: f.code, stage: f.stage, responseCode: f.responseCode ?? null, reply: f.reply ?? null, message: f.message, hint: f.hint, connection };
  const later = () => now + retryDelayMs(c.attempts, config.retryBaseMs, f.retryAfterMs, random);
  if (f.outcomeUnknown) {
    // Trying again may deliver a second copy (with the same Message-ID): only as often as allowed.
    if (c.unknownAttempts < config.unknownRetries && c.attempts < c.maxAttempts) {
      return { attempt: { outcome: 'unknown', ...recorded }, next: { status: 'retrying', dueAt: later(), error: e }, tally: 'unknown' };
    }
    return { attempt: { outcome: 'unknown', ...recorded }, next: { status: 'unknown', error: e }, tally: 'unknown' };
  }
  // The connection failed, not this mail (an API's 5xx is made a fault by its reader): the next
  // connection of the chain takes it at once. A refused message or recipient never fails over,
  // and a throttled one waits (THROTTLED is no fault).
  const fault = f.connectionFault;
  const broken = f.connectionFault && !f.transient && c.maxAttempts > 1 ? { unhealthy: e } : {};
  if (fault && c.route?.next !== undefined && c.attempts < c.maxAttempts) {
    const { next } = c.route;
    return { attempt: { outcome: 'retry', ...recorded }, next: { status: 'retrying', dueAt: now, error: e, routeIndex: next.index }, tally: 'retried', failover: { from: c.route.connection, to: next.connection }, ...broken };
  }
  // Every connection of the chain failed: the schedule goes on from the primary.
  const restart = fault && c.route && c.route.index > 0 ? { routeIndex: 0 } : {};
  if (f.connectionFault && !f.transient && c.maxAttempts > 1) {
    // The connection is broken, not this mail, and waiting will not mend it: mark it unhealthy and
    // let its mail wait for a fix. (A transient fault, a refused or timed-out connection, retries.)
    const reason = { ...e, code: 'CONNECTION_UNHEALTHY', message: `Waiting: the connection failed with ${f.code} (${f.message})`, hint: f.hint };
    return { attempt: { outcome: 'retry', ...recorded }, next: { status: 'waiting', dueAt: now + UNHEALTHY_RECHECK_MS, reason, ...restart }, tally: 'deferred', unhealthy: e };
  }
  if (f.transient && c.attempts < c.maxAttempts) {
    return { attempt: { outcome: 'retry', ...recorded }, next: { status: 'retrying', dueAt: later(), error: e, ...restart }, tally: 'retried' };
  }
  if (c.accepted.length) {
    // An earlier attempt delivered to some recipients: the delivery is sent, the rest refused.
    return { attempt: { outcome: 'failed', ...recorded }, next: { status: 'sent', accepted: c.accepted, rejected: union(c.rejected, c.envelope.to), response: f.reply ?? f.message }, tally: 'sent' };
  }
  return { attempt: { outcome: 'failed', ...recorded }, next: { status: 'failed', error: e }, tally: 'failed' };
}

function decideSent(outcome: Extract<Outcome, { kind: 'sent' }>, c: DecideClaimed, config: DecideConfig, now: number, random: () => number): Decision {
  // Earlier attempts may have reached some recipients already: the record keeps them all.
  const accepted = union(c.accepted, outcome.accepted);
  const rejected = union(c.rejected, outcome.rejected);
  const { deferred } = outcome;
  const counts = `Accepted for ${outcome.accepted.length}${deferred.length ? `, deferred for ${deferred.length}` : ''}${outcome.rejected.length ? `, rejected for ${outcome.rejected.length}` : ''}`;
  if (deferred.length && c.attempts < c.maxAttempts) {
    // A 4xx for some recipients (greylisting, a full mailbox for now): those alone go again,
    // with the same Message-ID; the ones that have the mail never get it twice.
    const f = failure('RECIPIENT_DEFERRED', `The server deferred ${deferred.join(', ')}; ${deferred.length === 1 ? 'it is' : 'they are'} tried again`, {
      responseCode: outcome.deferredResponseCode, reply: outcome.deferredReply,
    });
    const error: DeliveryError = storedFailure(f);
    return {
      attempt: { outcome: 'retry', code: f.code, stage: f.stage, responseCode: f.responseCode ?? null, reply: f.reply ?? null, message: counts, hint: f.hint, connection: c.route?.connection ?? null, providerMessageId: outcome.providerMessageId ?? null },
      next: { status: 'retrying', dueAt: now + retryDelayMs(c.attempts, config.retryBaseMs, f.retryAfterMs, random), error, partial: { envelope: { from: c.envelope.from, to: deferred }, accepted, rejected } },
      tally: 'retried',
    };
  }
  // Out of attempts, recipients still deferred did not get it: they are listed as rejected.
  const message = deferred.length ? `${counts}; gave up on the deferred after ${c.attempts} attempts` : outcome.rejected.length ? counts : null;
  return {
    attempt: { outcome: 'sent', code: null, stage: 'done', responseCode: outcome.responseCode ?? null, reply: outcome.response, message, hint: null, connection: c.route?.connection ?? null, providerMessageId: outcome.providerMessageId ?? null },
    next: { status: 'sent', accepted, rejected: union(rejected, deferred), response: outcome.response, dkim: outcome.dkim },
    tally: 'sent',
  };
}
