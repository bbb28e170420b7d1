import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type Mail from 'nodemailer/lib/mailer';
import type { StoredConnection } from '../store/connections.js';
import type { AfterInsert, Delivery, DeliveryStore } from '../store/deliveries.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Composer } from './composer.js';
import type { Sandbox } from './sandbox.js';
import { announceSuppressed } from './suppression.js';
import { Foreground } from './foreground.js';
import { Mailer } from '../mailer.js';
import { failure, storedFailure } from '../failures.js';

export interface EnqueueRequest {
  scope: string;
  connection: StoredConnection;
  action: string;
  /** The message with From and Reply-To already filled from the connection. */
  mail: Mail.Options;
  idempotencyKey?: string | undefined;
  /** The hash of the action and input the key came with (see idempotency.ts). */
  inputHash?: string | undefined;
  sendAt?: Date | undefined;
  /** Attempts before `failed`; a test mail gets one, so it reports instead of retrying. */
  maxAttempts: number;
  /** The delivery's id when the message names it before it is built (a one-click unsubscribe link). */
  id?: string | undefined;
  /** Recipients the suppression list dropped from `mail` (see suppression.ts). */
  suppressed?: string[] | undefined;
  /**
   * Every recipient was suppressed: `mail` is the message as asked (built only for its
   * Message-ID and size); the delivery is stored `failed` with ALL_RECIPIENTS_SUPPRESSED, with no
   * body and no attempt, so neither a worker nor a retry can ever send it.
   */
  allSuppressed?: boolean | undefined;
}

const ALL_SUPPRESSED = storedFailure(failure('ALL_RECIPIENTS_SUPPRESSED', 'Every recipient of this message is on the suppression list; nothing was sent'));

/**
 * Whether a delivery's first attempt has ended, in any way: sent, failed, to be retried, unknown,
 * or waiting because it found its connection broken (then no attempt was counted).
 */
export const firstAttemptEnded = (d: Delivery): boolean =>
  // A delivery stored `failed` with no attempt (every recipient suppressed), or `captured`, has nothing to wait for.
  (d.status === 'failed' && d.attempts === 0) || d.status === 'captured' ||
  ((d.attempts > 0 && d.status !== 'sending') || (d.status === 'queued' && d.waitReason?.code === 'CONNECTION_UNHEALTHY')) && !failingOver(d);

/**
 * The attempt failed over: the next connection of the chain takes the mail at once (design.md
 * "Failover"), so `?wait` waits for that attempt instead of answering the primary's failure.
 */
const failingOver = (d: Delivery): boolean => d.status === 'retrying' && d.routeIndex > 0 && d.dueAt <= Date.parse(d.updatedAt);

/** What `?wait` reports of an attempt that did not send: the code, message and hint of its failure. */
export interface AttemptError {
  code: string;
  message: string;
  hint?: string;
  responseCode?: number;
  reply?: string;
}

/**
 * The write side of delivery: `enqueue` builds the MIME message, checks the limits and stores it
 * in one insert, then tells in-process workers there is work. Nothing is sent here.
 */
export class Outbox {
  /** 'queued' when a delivery was stored; 'attempt' (id) when a worker finished an attempt. */
  readonly events = new EventEmitter();
  /** Executes under way: the worker's statements let them go first (foreground.ts). */
  readonly foreground = new Foreground();

  constructor(private readonly opts: { store: DeliveryStore; composer: Composer; maxMessageBytes: number; sandbox?: Sandbox | undefined; events?: EventPublisher | undefined }) {
    this.events.setMaxListeners(0);
  }

  /** Builds MIME messages (also for previews, which measure what would be queued). */
  get composer(): Composer {
    return this.opts.composer;
  }

  /**
   * Queues a message durably; with a known idempotency key, returns the first delivery instead,
   * or throws IDEMPOTENCY_KEY_REUSED when that key came with another input.
   */
  async enqueue(req: EnqueueRequest): Promise<{ delivery: Delivery; created: boolean }> {
    const id = req.id ?? crypto.randomUUID();
    const sendAt = req.sendAt && req.sendAt.getTime() > Date.now() ? req.sendAt : undefined;
    const composed = await this.opts.composer.compose(req.scope, id, { ...req.mail, date: sendAt ?? new Date() }, this.opts.maxMessageBytes, { keepBcc: Mailer.keepsBcc(req.connection) });
    // Sandbox mode (sandbox.ts): the captured recipients leave the envelope, never the headers.
    const captured = req.allSuppressed || !this.opts.sandbox ? [] : await this.opts.sandbox.captures(req.scope, composed.envelope.to);
    const allCaptured = captured.length > 0 && captured.length === composed.envelope.to.length;
    const kept = new Set(captured.map((a) => a.toLowerCase()));
    const envelope = { from: composed.envelope.from, to: req.allSuppressed ? [] : composed.envelope.to.filter((a) => !kept.has(a.toLowerCase())) };
    // Nothing to send (all suppressed or all captured): no body is stored, so nothing ever can be.
    const nothingToSend = req.allSuppressed || allCaptured;
    // What the suppression list and the sandbox did is written with the delivery, in its transaction.
    const suppressedAny = !!req.suppressed?.length && !!this.opts.events;
    const after: AfterInsert | undefined = captured.length || suppressedAny
      ? async (trx, delivery) => {
          if (captured.length) await this.opts.sandbox!.keep(delivery, composed.raw, trx);
          if (suppressedAny) await announceSuppressed(this.opts.events!, delivery, trx);
        }
      : undefined;
    const result = await this.opts.store.insert({
      id,
      scope: req.scope,
      connectionId: req.connection.id,
      connectionScope: req.connection.scope,
      connectionName: req.connection.name,
      action: req.action,
      subject: typeof req.mail.subject === 'string' ? req.mail.subject : null,
      recipients: req.allSuppressed ? [] : composed.envelope.to,
      envelope,
      raw: nothingToSend ? null : composed.raw,
      ...(req.suppressed?.length ? { suppressed: req.suppressed } : {}),
      ...(captured.length ? { captured, allCaptured } : {}),
      ...(req.allSuppressed ? { failed: ALL_SUPPRESSED } : {}),
      size: composed.size,
      messageId: composed.messageId,
      idempotencyKey: req.idempotencyKey ?? null,
      inputHash: req.idempotencyKey ? (req.inputHash ?? null) : null,
      maxAttempts: req.maxAttempts,
      dueAt: (sendAt ?? new Date()).getTime(),
    }, after);
    // With its connection and scope, so a worker that holds their share already need not look.
    if (result.created && !nothingToSend) this.events.emit('queued', result.delivery.id, { connectionId: req.connection.id, scope: req.scope });
    return result;
  }

  /**
   * Waits up to `ms` for a delivery's first attempt to end (see firstAttemptEnded) and returns
   * its state; returns the current state when time runs out. In-process workers announce each
   * attempt; a worker in another process is seen by polling.
   */
  async waitForAttempt(id: string, ms: number, pollMs = 250): Promise<Delivery | undefined> {
    const deadline = Date.now() + ms;
    let current = await this.opts.store.peek(id);
    while (current && !firstAttemptEnded(current) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const onAttempt = (done: string) => {
          if (done === id) finish();
        };
        const timer = setTimeout(() => finish(), Math.min(pollMs, Math.max(0, deadline - Date.now())));
        const finish = () => {
          clearTimeout(timer);
          this.events.off('attempt', onAttempt);
          resolve();
        };
        this.events.on('attempt', onAttempt);
      });
      current = await this.opts.store.peek(id);
    }
    return current;
  }

  /**
   * `?wait`: waits up to `ms` for the first attempt; once it ended in any way, the delivery and
   * (unless it was sent) that attempt's error, at once. `ended: false` when time ran out.
   */
  async waitForFirstAttempt(id: string, ms: number): Promise<{ delivery: Delivery; ended: boolean; error?: AttemptError } | undefined> {
    const d = await this.waitForAttempt(id, ms);
    if (!d) return undefined;
    if (!firstAttemptEnded(d)) return { delivery: d, ended: false };
    const error = await this.attemptError(d);
    return { delivery: d, ended: true, ...(error ? { error } : {}) };
  }

  /**
   * The failure of a delivery whose first attempt ended without sending: the last attempt's code,
   * message and hint (a connection that broke says why, not only that mail waits for it).
   */
  async attemptError(d: Delivery): Promise<AttemptError | undefined> {
    if (d.status === 'sent') return undefined;
    const last = (await this.opts.store.attempts(d.id)).filter((a) => a.outcome !== 'released' && a.code).at(-1);
    if (last) {
      return {
        code: last.code!,
        message: last.message ?? last.code!,
        ...(last.hint ? { hint: last.hint } : {}),
        ...(last.responseCode ? { responseCode: last.responseCode } : {}),
        ...(last.reply ? { reply: last.reply } : {}),
      };
    }
    const e = d.lastError ?? d.waitReason;
    return e ? { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.reply ? { reply: e.reply } : {}) } : undefined;
  }
}
