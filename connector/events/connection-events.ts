/**
 * `connection.unhealthy`, `connection.healthy` and `connection.failover` (design.md "Events and
 * webhooks"), in the connection's scope, each written in the transaction of the change it reports.
 */
import type { Knex } from 'knex';
import type { Logger } from '../log.js';
import type { Decision } from '../delivery/decide.js';
import type { Claimed } from '../store/delivery-rows.js';
import type { ConnectionHealth } from '../store/connection-types.js';
import type { EventPublisher } from './publisher.js';

export class ConnectionEvents {
  constructor(private readonly opts: { publisher: EventPublisher; logger: Logger }) {}

  /**
   * A connection's health changed: its event, written in the transaction that stores the mark
   * (ConnectionService.setHealth's `healthEvent`), so neither is stored without the other.
   */
  async healthChanged(trx: Knex.Transaction, id: string, health: ConnectionHealth): Promise<void> {
    const c = (await trx('connections').where({ id }).first('id', 'scope', 'name')) as { id: string; scope: string; name: string } | undefined;
    if (!c) return;
    const error = health.status === 'unhealthy' && health.lastError ? { error: { code: health.lastError.code, message: health.lastError.message, ...(health.lastError.hint ? { hint: health.lastError.hint } : {}) } } : {};
    await this.opts.publisher.publish(c.scope, health.status === 'ok' ? 'connection.healthy' : 'connection.unhealthy', { connection: c, ...error }, trx);
  }

  /**
   * A fallback takes a delivery's next attempt (design.md "Failover"): a log line with the
   * deliveryId. Its event is written with the attempt's record (attempt-events.ts).
   */
  failover(c: Claimed, failover: NonNullable<Decision['failover']>, attempt: Decision['attempt']): void {
    this.opts.logger.warn('connection failover', { deliveryId: c.id, ...failover, reason: attempt.code });
  }
}
