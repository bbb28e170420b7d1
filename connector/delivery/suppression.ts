/**
 * The suppression list at execute time (design.md "Bounces, complaints and suppression"):
 * recipients on the delivery scope's list are dropped before the message is built, so they leave
 * the envelope and the To/Cc headers alike (a To header naming someone who never gets the mail
 * would mislead the others about who was told). What was dropped is kept on the delivery and
 * announced as `delivery.suppressed`; with nobody left, the delivery also fires `delivery.failed`.
 */
import type { Knex } from 'knex';
import type Mail from 'nodemailer/lib/mailer';
import type { EventPublisher } from '../events/publisher.js';
import { deliveryEventBase } from '../events/types.js';
import type { Delivery } from '../store/deliveries.js';
import type { SuppressionStore } from '../store/suppressions.js';

type Recipient = string | Mail.Address | { address?: string };
const FIELDS = ['to', 'cc', 'bcc'] as const;

const addressOf = (r: Recipient) => (typeof r === 'string' ? r : (r.address ?? '')).trim();
const listOf = (v: Mail.Options['to']): Recipient[] => (v === undefined ? [] : Array.isArray(v) ? (v as Recipient[]) : [v as Recipient]);

/** Every recipient address of a message (to, cc and bcc) as rendered, before any envelope is made. */
export function recipientAddresses(mail: Mail.Options): string[] {
  return FIELDS.flatMap((f) => listOf(mail[f]).map(addressOf));
}

export interface Screened {
  /** The message without the suppressed recipients (the message as given when none was). */
  mail: Mail.Options;
  /** The addresses dropped, as written in the message. */
  suppressed: string[];
  /** Whether anybody is left to send to. */
  anyLeft: boolean;
}

/** Drops the recipients of `mail` that are on `scope`'s suppression list. */
export async function screenRecipients(list: SuppressionStore, scope: string, mail: Mail.Options): Promise<Screened> {
  // Each listed address once, however often the message names it (in to and in cc, say).
  const suppressed = [...new Set(await list.suppressed(scope, recipientAddresses(mail)))];
  if (!suppressed.length) return { mail, suppressed, anyLeft: true };
  const dropped = new Set(suppressed.map((a) => a.toLowerCase()));
  const out: Mail.Options = { ...mail };
  let left = 0;
  for (const f of FIELDS) {
    const kept = listOf(mail[f]).filter((r) => !dropped.has(addressOf(r).toLowerCase()));
    left += kept.length;
    if (kept.length) out[f] = kept as Mail.Options['to'];
    else delete out[f];
  }
  return { mail: out, suppressed, anyLeft: left > 0 };
}

/**
 * Announces what the list did to a new delivery: `delivery.suppressed` with the addresses, and
 * `delivery.failed` when nobody was left, in the transaction that stores the delivery
 * (DeliveryStore.insert's `after`), so the events are durable with what they report.
 */
export async function announceSuppressed(events: EventPublisher, d: Delivery, trx: Knex.Transaction): Promise<void> {
  if (!d.suppressed.length) return;
  const base = deliveryEventBase(d);
  await events.publish(d.scope, 'delivery.suppressed', { ...base, suppressed: d.suppressed }, trx);
  if (d.status === 'failed' && d.lastError) {
    await events.publish(d.scope, 'delivery.failed', { ...base, error: { code: d.lastError.code, message: d.lastError.message } }, trx);
  }
}
