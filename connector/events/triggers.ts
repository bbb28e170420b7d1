/**
 * The manifest's triggers (design.md "Events and webhooks"): one per event type, so a builder can
 * start a workflow "when an email bounces"; keys are the event types, each with the JSON Schema of
 * its `data` (schemas/event-data.schema.json, one `$defs` entry per type).
 */
import { readSchema } from '../../schemas/validator.js';
import { EVENT_TYPES, type EventType } from './types.js';

export interface Trigger {
  key: EventType;
  title: string;
  description: string;
  dataSchema: Record<string, unknown>;
}

const TITLES: Record<EventType, string> = {
  'delivery.sent': 'Email sent',
  'delivery.retrying': 'Email delivery retrying',
  'delivery.failed': 'Email failed',
  'delivery.delivered': 'Email delivered',
  'delivery.bounced': 'Email bounced',
  'delivery.complained': 'Email marked as spam',
  'delivery.suppressed': 'Recipients suppressed',
  'delivery.captured': 'Email captured (sandbox)',
  'connection.unhealthy': 'Connection unhealthy',
  'connection.healthy': 'Connection healthy again',
  'connection.failover': 'Connection failed over',
  'webhook.test': 'Webhook test',
};

/** Every trigger, its data schema standing alone (the shared `$defs` it points at go with it). */
export function triggers(): Trigger[] {
  const doc = readSchema('event-data.schema.json') as { $defs: Record<string, Record<string, unknown>> };
  const shared = Object.fromEntries(Object.entries(doc.$defs).filter(([k]) => !k.includes('.')));
  return EVENT_TYPES.map((key) => {
    const def = doc.$defs[key];
    if (!def) throw new Error(`schemas/event-data.schema.json has no $defs entry for ${key}`);
    const uses = JSON.stringify(def).includes('#/$defs/');
    return { key, title: TITLES[key], description: String(def.description ?? ''), dataSchema: { ...def, ...(uses ? { $defs: shared } : {}) } };
  });
}
