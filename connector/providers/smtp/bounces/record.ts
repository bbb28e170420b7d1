/**
 * Turns a parsed report into recipient events (design.md "Bounces, complaints and suppression"):
 * the delivery is found by the VERP token of the address the report came to (./verp.ts) or, when
 * a relay rewrote the envelope sender, by the Message-ID of the returned original. A report is
 * only believed for a delivery of the polled connection's scope and a recipient it was sent to.
 */
import crypto from 'node:crypto';
import type { DeliveryEvents, RecipientEvent } from '../../../events/delivery-events.js';
import type { DeliveryStore } from '../../../store/deliveries.js';
import type { Report } from './reports.js';
import { deliveryOfToken } from './verp.js';

export type Outcome = 'recorded' | 'repeated' | 'unmatched' | 'not-a-bounce';

export interface RecordDeps {
  deliveries: Pick<DeliveryStore, 'peek'>;
  deliveryEvents: Pick<DeliveryEvents, 'record' | 'deliveryOfMessageId'>;
}

/** The mailbox a report was read from: which connection, and the message's place in it. */
export interface Origin {
  connectionId: string;
  scope: string;
  /** folder, UIDVALIDITY and UID: names the message when it has no Message-ID. */
  place: string;
}

/** The events a DSN's recipients and an ARF report's complaint stand for. */
type Found = Omit<RecipientEvent, 'deliveryId' | 'source' | 'at' | 'dedupeKey'>;

export function eventsOf(report: Report): Found[] {
  if (report.kind === 'arf') {
    // Feedback-Type abuse is a complaint (RFC 5965 §7.3); fraud, virus and others are not the recipient's.
    return report.feedbackType === 'abuse' ? report.recipients.map((recipient) => ({ recipient, type: 'complained' as const })) : [];
  }
  return report.recipients.flatMap((r): Found[] => {
    if (r.action === 'delivered') return [{ recipient: r.recipient, type: 'delivered' as const }];
    if (r.action !== 'failed' && r.action !== 'delayed') return [];
    // RFC 3463: class 5 is permanent, 4 transient; a delay is never final.
    const hard = r.action === 'failed' && (r.status === undefined || r.status.startsWith('5'));
    const bounce = { type: hard ? ('hard' as const) : ('soft' as const), ...(r.status ? { status: r.status } : {}), ...(r.diagnostic ? { diagnostic: r.diagnostic } : {}) };
    return [{ recipient: r.recipient, type: 'bounced' as const, bounce }];
  });
}

/** Records what a report says; answers what became of it. */
export async function recordReport(report: Report, origin: Origin, deps: RecordDeps): Promise<Outcome> {
  const events = eventsOf(report);
  if (!events.length) return 'not-a-bounce';
  let deliveryId = report.hints.map(deliveryOfToken).find((x) => x !== undefined);
  if (!deliveryId && report.returned.messageId) deliveryId = await deps.deliveryEvents.deliveryOfMessageId(report.returned.messageId);
  const d = deliveryId ? await deps.deliveries.peek(deliveryId) : undefined;
  if (!d || (d.scope !== origin.scope && d.connectionScope !== origin.scope)) return 'unmatched';
  const sentTo = new Set([...d.recipients, ...d.envelope.to].map((a) => a.toLowerCase()));
  const source = report.kind;
  const at = report.date && !Number.isNaN(report.date.getTime()) ? report.date.toISOString() : undefined;
  let recorded = 0;
  let known = 0;
  for (const e of events) {
    if (!sentTo.has(e.recipient)) continue;
    known++;
    // The same report read twice (another poller, a lost \Seen) is the same event.
    const key = crypto.createHash('sha256').update(`${report.messageId ?? `${origin.connectionId}/${origin.place}`}\0${d.id}\0${e.recipient}\0${e.type}`).digest('hex');
    if (await deps.deliveryEvents.record({ ...e, deliveryId: d.id, source, at, dedupeKey: `${source}:${key}` })) recorded++;
  }
  if (!known) return 'unmatched';
  return recorded ? 'recorded' : 'repeated';
}
