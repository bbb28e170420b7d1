/**
 * The webhook worker (design.md "Events and webhooks"): claims due messages under a lease, signs
 * and posts them, records each try, and schedules the next. Its own loop and concurrency, never
 * awaited by the mail worker, so a slow endpoint never delays mail. Any process running one
 * delivers any message; a process that dies lets its leases run out and another takes over (at
 * least once, under the same `webhook-id`).
 */
import crypto from 'node:crypto';
import type { EventEmitter } from 'node:events';
import os from 'node:os';
import type { Keyring } from '../secrets.js';
import type { Logger } from '../log.js';
import type { LookupAll, NetworkPolicy } from '../network-policy.js';
import type { WebhookEndpointStore } from '../store/webhook-endpoints.js';
import type { ClaimedMessage, MessageNext, WebhookMessageStore } from '../store/webhook-messages.js';
import { openWebhookSecret, signedHeaders } from './signing.js';
import { postWebhook, WEBHOOK_TIMEOUT_MS, type WebhookAnswer } from './webhook-sender.js';
import { vetWebhookUrl } from './webhook-url.js';

/** Waits after failed tries 1…7: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the Standard Webhooks schedule); then `failed`. */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;
/** Tries in flight per worker: endpoints answer slowly, and they never share the mail worker's slots. */
export const WEBHOOK_CONCURRENCY = 16;
/** The longest an idle webhook worker sleeps between claims (when ENVOI_POLL_MS is shorter). */
const IDLE_POLL_MS = 500;

/** Where a message goes after try number `tries` answered `status` (null: no answer). */
export function nextAfter(status: number | null, tries: number, now: number, scale: number): MessageNext {
  if (status !== null && status >= 200 && status < 300) return { status: 'delivered' };
  const wait = RETRY_SCHEDULE_MS[tries - 1];
  if (status === 410 || wait === undefined) return { status: 'failed' };
  return { status: 'pending', dueAt: now + Math.round(wait * scale) };
}

export interface WebhookWorkerOptions {
  endpoints: WebhookEndpointStore;
  messages: WebhookMessageStore;
  keyring: Keyring;
  policy: NetworkPolicy;
  lookup?: LookupAll | undefined;
  logger: Logger;
  /** Emits 'queued' when messages were written (EventPublisher.signals). */
  signals: EventEmitter;
  /** An endpoint was disabled (410): cached endpoint lists are stale. */
  onEndpointsChanged: () => void;
  config: { webhookRetryScale: number; leaseMs: number; pollMs: number };
  timeoutMs?: number;
}

export class WebhookWorker {
  readonly id = `${os.hostname()}:${process.pid}:wh-${crypto.randomBytes(3).toString('hex')}`;
  private readonly inFlight = new Set<string>();
  private running = false;
  private wake: (() => void) | undefined;
  /** How long the loop sleeps when idle; grows while claims find nothing, back to pollMs on work. */
  private idleMs = 0;
  private loop: Promise<void> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly onQueued = () => this.wake?.();

  constructor(private readonly opts: WebhookWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.signals.on('queued', this.onQueued);
    this.leaseTimer = setInterval(() => {
      void this.opts.messages.renew(this.id, [...this.inFlight], Date.now() + this.leaseMs()).catch((err) => this.opts.logger.warn('webhook lease renewal failed', { worker: this.id, err }));
    }, Math.max(50, Math.floor(this.leaseMs() / 3)));
    this.leaseTimer.unref();
    this.loop = this.run();
  }

  /** A lease outlives a try's timeout only through renewals; at least 1 s so a busy event loop keeps it. */
  private leaseMs(): number {
    return Math.max(1000, this.opts.config.leaseMs);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.tick();
      } catch (err) {
        this.opts.logger.error('webhook worker tick failed', { worker: this.id, err });
      }
      if (!this.running) break;
      if (claimed > 0 && this.inFlight.size < WEBHOOK_CONCURRENCY) continue;
      // Idle, the poll slows down (doubling, up to IDLE_POLL_MS): this process's own messages wake
      // it at once, so the poll only finds retries coming due and other processes' messages. At a
      // delivery poll of 20 ms it was a claim statement 50 times a second for nothing.
      this.idleMs = claimed > 0 ? 0 : Math.min(Math.max(this.opts.config.pollMs, IDLE_POLL_MS), this.idleMs ? this.idleMs * 2 : this.opts.config.pollMs);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.idleMs || this.opts.config.pollMs);
        this.wake = () => {
          clearTimeout(t);
          this.idleMs = 0;
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Claims what this worker has room for and starts each try (not awaited: the loop goes on). */
  async tick(): Promise<number> {
    const now = Date.now();
    const batch = await this.opts.messages.claim(this.id, WEBHOOK_CONCURRENCY - this.inFlight.size, now, now + this.leaseMs());
    for (const m of batch) {
      this.inFlight.add(m.id);
      void this.deliver(m)
        .catch((err) => this.opts.logger.error('could not deliver a webhook message', { worker: this.id, messageId: m.id, err }))
        .finally(() => {
          this.inFlight.delete(m.id);
          this.wake?.();
        });
    }
    return batch.length;
  }

  /** One try of a message: vet the URL again, sign, post, record. */
  private async deliver(m: ClaimedMessage): Promise<void> {
    const endpoint = await this.opts.endpoints.byId(m.endpointId);
    if (!endpoint || !endpoint.enabled) {
      await this.opts.messages.fail(m.id, this.id, endpoint ? `The endpoint is disabled${endpoint.disabled_reason ? `: ${endpoint.disabled_reason}` : ''}` : 'The endpoint was deleted');
      return;
    }
    const started = Date.now();
    let answer: WebhookAnswer;
    try {
      const target = await vetWebhookUrl(endpoint.url, this.opts.policy, { lookup: this.opts.lookup });
      const headers = signedHeaders(openWebhookSecret(this.opts.keyring, endpoint), m.id, m.payload);
      answer = await postWebhook(target, headers, m.payload, this.opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      answer = { status: null, error: `${e.code ?? 'ERROR'}: ${e.message ?? String(err)}`, response: null };
    }
    const tries = m.attempts + 1;
    const next = nextAfter(answer.status, tries, Date.now(), this.opts.config.webhookRetryScale);
    const error = answer.error ?? (next.status === 'delivered' ? null : `The endpoint answered ${answer.status}`);
    const stored = await this.opts.messages.finish(this.id, m, { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, status: answer.status, error, response: answer.response }, next);
    if (!stored) {
      this.opts.logger.warn('lost the lease of a webhook message before recording its try', { worker: this.id, messageId: m.id });
      return;
    }
    this.opts.logger.debug('webhook try', { messageId: m.id, endpointId: m.endpointId, type: m.type, try: tries, status: answer.status, next: next.status });
    if (answer.status === 410) {
      // 410 Gone: the receiver says this URL is no more (Standard Webhooks): stop sending to it.
      await this.opts.messages.disableEndpoint(m.endpointId, 'The endpoint answered 410 Gone');
      this.opts.onEndpointsChanged();
      this.opts.logger.warn('webhook endpoint disabled: it answered 410 Gone', { endpointId: m.endpointId, scope: endpoint.scope });
    }
  }

  /** Stops claiming and waits (up to `graceMs`) for tries in flight; the rest are taken over when their leases run out. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.opts.signals.off('queued', this.onQueued);
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.leaseTimer);
  }
}
