/**
 * `connection.unhealthy`, `connection.healthy` and `connection.failover` (design.md "Events and
 * webhooks"), in the connection's scope. Published right after the change is stored, without
 * failing its caller: a health mark or a failover never waits on, or fails with, an event.
 */
import type { Knex } from 'knex';
import type { Logger } from '../log.js';
import type { Decision } from '../delivery/decide.js';
import type { Claimed } from '../store/delivery-rows.js';
import type { ConnectionHealth } from '../store/connection-types.js';
import type { EventPublisher } from './publisher.js';

export class ConnectionEvents {
  constructor(private readonly opts: { knex: Knex; publisher: EventPublisher; logger: Logger }) {}

  /** A connection's health changed (ConnectionService.setHealth → onHealthChange). */
  async healthChanged(id: string, health: ConnectionHealth): Promise<void> {
    try {
      const c = (await this.opts.knex('connections').where({ id }).first('id', 'scope', 'name')) as { id: string; scope: string; name: string } | undefined;
      if (!c) return;
      const error = health.status === 'unhealthy' && health.lastError ? { error: { code: health.lastError.code, message: health.lastError.message, ...(health.lastError.hint ? { hint: health.lastError.hint } : {}) } } : {};
      await this.opts.publisher.tryPublish(c.scope, health.status === 'ok' ? 'connection.healthy' : 'connection.unhealthy', { connection: c, ...error });
    } catch (err) {
      this.opts.logger.error('could not publish a connection health event', { connectionId: id, err });
    }
  }

  /** A fallback takes a delivery's next attempt (design.md "Failover"): a log line with the deliveryId, and the event. */
  failover(c: Claimed, failover: NonNullable<Decision['failover']>, attempt: Decision['attempt']): void {
    this.opts.logger.warn('connection failover', { deliveryId: c.id, ...failover, reason: attempt.code });
    const error = attempt.code ? { error: { code: attempt.code, message: attempt.message ?? attempt.code } } : {};
    void this.opts.publisher.tryPublish(c.connectionScope, 'connection.failover', {
      connection: { ...failover.from, scope: c.connectionScope }, fallback: failover.to, ...error, deliveryId: c.id, scope: c.scope,
    });
  }
}
