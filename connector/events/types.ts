/**
 * The events Envoi tells a host about (design.md "Events and webhooks"): their types, and what
 * every delivery event's `data` starts with. Keys are stable: a host's receiver and a builder's
 * trigger ("when an email bounces") name them.
 */
import type { ConnectionRef } from '../store/connection-types.js';
import type { Delivery } from '../store/delivery-rows.js';

export const EVENT_TYPES = [
  'delivery.sent',
  'delivery.retrying',
  'delivery.failed',
  'delivery.delivered',
  'delivery.bounced',
  'delivery.complained',
  'delivery.suppressed',
  'delivery.captured',
  'connection.unhealthy',
  'connection.healthy',
  'connection.failover',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/** What happened to one recipient after "sent" (a provider's event, a DSN, a complaint report). */
export type RecipientEventType = 'delivered' | 'bounced' | 'complained';

/** A bounce as RFC 3464 describes it: hard (5.x.x, Action failed) or soft, its RFC 3463 status. */
export interface Bounce {
  type: 'hard' | 'soft';
  status?: string;
  diagnostic?: string;
}

/** Where an event about a recipient came from: a DSN, an ARF report, or the provider's name. */
export type EventSource = 'dsn' | 'arf' | 'unsubscribe' | string;

/** The fields every `delivery.*` event's data carries. */
export interface DeliveryEventBase {
  deliveryId: string;
  scope: string;
  action: string;
  idempotencyKey: string | null;
  connection: ConnectionRef;
  messageId: string;
}

/** The common part of a delivery event's data, from the delivery. */
export function deliveryEventBase(d: Delivery): DeliveryEventBase {
  return {
    deliveryId: d.id,
    scope: d.scope,
    action: d.action,
    idempotencyKey: d.idempotencyKey,
    connection: { id: d.connectionId, name: d.connectionName },
    messageId: d.messageId,
  };
}
