/**
 * Publishing an event (design.md "Events and webhooks"): one durable webhook message per endpoint
 * that hears it, written to `webhook_messages` and delivered by the webhook worker, never on the
 * path that delivers mail. The body is fixed here, so every retry sends the same bytes under the
 * same `webhook-id`. Endpoints of the `platform` scope hear every scope; a tenant's hear its own.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import type { Logger } from '../log.js';
import { TtlCache } from '../ttl-cache.js';
import type { EventType } from './types.js';

const PLATFORM = 'platform';

interface EndpointRow {
  id: string;
  scope: string;
  events: string;
}

/** A message id as Standard Webhooks shows them (`msg_…`), the `webhook-id` of every try. */
export function messageId(): string {
  return `msg_${crypto.randomBytes(16).toString('base64url')}`;
}

export class EventPublisher {
  /** Emits 'queued' when messages were written (the webhook worker wakes at once), 'endpoints' when endpoints changed. */
  readonly signals = new EventEmitter();
  /** Enabled endpoints by scope, for a second: most events find none, and an edit clears it. */
  private readonly endpoints = new TtlCache<EndpointRow[]>({ ttlMs: 1000, max: 10_000 });
  /**
   * The same, read inside transactions. Kept apart: on SQLite a transaction holds the one
   * connection, so awaiting a lookup that a caller outside it started (and that waits for that
   * connection) would never end.
   */
  private readonly endpointsInTrx = new TtlCache<EndpointRow[]>({ ttlMs: 1000, max: 10_000 });

  constructor(private readonly knex: Knex, private readonly logger: Logger) {}

  /** Forgets what it knows of endpoints (one was created, edited or deleted). */
  endpointsChanged(): void {
    this.endpoints.clear();
    this.endpointsInTrx.clear();
    // The delivery worker's thread keeps its own lists (worker-thread.ts).
    this.signals.emit('endpoints');
  }

  /** Read through `trx` when there is one: SQLite has one connection, which the transaction holds. */
  private enabledEndpoints(scope: string, trx?: Knex.Transaction): Promise<EndpointRow[]> {
    return (trx ? this.endpointsInTrx : this.endpoints).get(scope, async () => (await (trx ?? this.knex)('webhook_endpoints').whereIn('scope', [...new Set([scope, PLATFORM])]).andWhere({ enabled: true }).select('id', 'scope', 'events')) as EndpointRow[]);
  }

  private async listeners(scope: string, type: EventType, trx?: Knex.Transaction): Promise<EndpointRow[]> {
    return (await this.enabledEndpoints(scope, trx)).filter((e) => {
      const events = JSON.parse(e.events) as string[];
      return events.includes('*') || events.includes(type);
    });
  }

  /** Whether any endpoint hears this event (so a caller skips building data nobody receives). */
  async listens(scope: string, type: EventType, trx?: Knex.Transaction): Promise<boolean> {
    return (await this.listeners(scope, type, trx)).length > 0;
  }

  /**
   * Writes the event for every endpoint that hears it (inside `trx` when given, so it is durable
   * with what it reports); answers how many messages were written.
   */
  async publish(scope: string, type: EventType, data: Record<string, unknown>, trx?: Knex.Transaction): Promise<number> {
    const listeners = await this.listeners(scope, type, trx);
    if (!listeners.length) return 0;
    const now = new Date();
    const payload = JSON.stringify({ type, timestamp: now.toISOString(), data });
    const rows = listeners.map((e) => ({
      id: messageId(), endpoint_id: e.id, scope, type, payload, status: 'pending', attempts: 0,
      due_at: now.getTime(), created_at: now.toISOString(), updated_at: now.toISOString(),
    }));
    await (trx ?? this.knex)('webhook_messages').insert(rows);
    this.logger.debug('event published', { scope, type, messages: rows.length, ...(typeof data.deliveryId === 'string' ? { deliveryId: data.deliveryId } : {}) });
    if (trx) void trx.executionPromise.then(() => this.signals.emit('queued'), () => {});
    else this.signals.emit('queued');
    return rows.length;
  }

}
