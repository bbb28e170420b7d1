/**
 * What happens to a recipient after "sent" (design.md "Bounces, complaints and suppression"): a
 * provider's event, a delivery status notification (RFC 3464) or a complaint report (RFC 5965).
 * Each lands once on the delivery's `events`, puts a hard bounce or a complaint on the scope's
 * suppression list (a soft bounce never), and fires its webhook, all in one transaction.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../log.js';
import type { DeliveryStore } from '../store/deliveries.js';
import type { SuppressionStore } from '../store/suppressions.js';
import type { EventPublisher } from './publisher.js';
import { deliveryEventBase, type Bounce, type EventSource, type RecipientEventType } from './types.js';

export interface RecipientEvent {
  deliveryId: string;
  recipient: string;
  type: RecipientEventType;
  bounce?: Bounce | undefined;
  source: EventSource;
  /** When it happened (the report's time), else now. */
  at?: string | undefined;
  /** Makes a repeated report the same event (a provider's event id, a DSN's Message-ID + recipient). */
  dedupeKey?: string | undefined;
}

/** An event on a delivery, as the delivery's `events` show it. */
export interface DeliveryEventView {
  type: RecipientEventType;
  recipient: string;
  at: string;
  bounce?: Bounce;
  source: EventSource;
}

export class DeliveryEvents {
  constructor(
    private readonly opts: { knex: Knex; deliveries: DeliveryStore; suppressions: SuppressionStore; publisher: EventPublisher; logger: Logger },
  ) {}

  /** Records an event; answers false when the delivery is unknown or the event was seen before. */
  async record(e: RecipientEvent): Promise<boolean> {
    const d = await this.opts.deliveries.peek(e.deliveryId);
    if (!d) return false;
    const at = e.at ?? new Date().toISOString();
    const recipient = e.recipient.trim().toLowerCase();
    const recorded = await this.opts.knex.transaction(async (trx) => {
      const inserted = (await trx('delivery_events')
        .insert({ id: `evt_${crypto.randomBytes(12).toString('base64url')}`, delivery_id: d.id, scope: d.scope, type: e.type, recipient, at, bounce: e.bounce ? JSON.stringify(e.bounce) : null, source: e.source, dedupe_key: e.dedupeKey ?? null })
        .onConflict('dedupe_key')
        .ignore()
        .returning('id')) as unknown[];
      if (!inserted.length) return false;
      const reason = e.type === 'complained' ? 'complaint' : e.type === 'bounced' && e.bounce?.type === 'hard' ? 'hard-bounce' : undefined;
      if (reason) await this.opts.suppressions.add(d.scope, recipient, reason, d.id, trx);
      await this.opts.publisher.publish(d.scope, `delivery.${e.type}`, { ...deliveryEventBase(d), recipient, ...(e.bounce ? { bounce: e.bounce } : {}), source: e.source, at }, trx);
      return true;
    });
    if (recorded) this.opts.logger.info('recipient event', { deliveryId: d.id, type: e.type, source: e.source, ...(e.bounce ? { bounce: e.bounce.type } : {}) });
    return recorded;
  }

  /** A delivery's events, oldest first. */
  async of(deliveryId: string): Promise<DeliveryEventView[]> {
    const rows = (await this.opts.knex('delivery_events').where({ delivery_id: deliveryId }).orderBy('at', 'asc')) as Array<Record<string, string | null>>;
    return rows.map((r) => ({ type: r.type as RecipientEventType, recipient: r.recipient!, at: r.at!, ...(r.bounce ? { bounce: JSON.parse(r.bounce) as Bounce } : {}), source: r.source! }));
  }

  /** The delivery whose attempt recorded this provider message id (a provider's event names it). */
  async deliveryOfProviderMessage(providerMessageId: string): Promise<string | undefined> {
    const r = (await this.opts.knex('delivery_attempts').where({ provider_message_id: providerMessageId }).first('delivery_id')) as { delivery_id: string } | undefined;
    return r?.delivery_id;
  }

  /** The delivery of a Message-ID (a DSN or ARF report returns the original headers). */
  async deliveryOfMessageId(messageId: string): Promise<string | undefined> {
    const id = messageId.trim();
    const r = (await this.opts.knex('deliveries').whereIn('message_id', [id, `<${id.replace(/^<|>$/g, '')}>`]).first('id')) as { id: string } | undefined;
    return r?.id;
  }
}
