/**
 * Postmark's webhooks (https://postmarkapp.com/developer/webhooks/webhooks-overview) carry no
 * signature; Postmark's advice is HTTP basic auth in the webhook URL. Envoi makes those
 * credentials itself: the user is the connection's id, the password an HMAC of it with a key
 * derived from the keyring, so nothing is stored, they survive restarts, and any key of the ring
 * (after a rotation) still opens them. Record types: Delivery, Bounce, SpamComplaint.
 */
import crypto from 'node:crypto';
import { HOOKS_PATH } from '../../events/event-url.js';
import type { Bounce } from '../../events/types.js';
import { badSignature, header, jsonBody, safeEqual, type InboundEvent, type ProviderInbound } from '../inbound.js';

const PURPOSE = 'postmark-event-url';
const URL_HINT = 'In Postmark, Servers → the server → the message stream → Webhooks: set the URL to the connection\'s event URL as Envoi shows it, credentials included.';

/** The basic-auth password of a connection's event URL, by each key of the ring (the current first). */
export function eventPasswords(connectionId: string, macKeys: (purpose: string) => Buffer[]): string[] {
  return macKeys(PURPOSE).map((k) => crypto.createHmac('sha256', k).update(connectionId).digest('base64url'));
}

interface PostmarkPost {
  RecordType?: string;
  ID?: number | string;
  Type?: string;
  MessageID?: string;
  Recipient?: string;
  Email?: string;
  DeliveredAt?: string;
  BouncedAt?: string;
  Description?: string;
  Details?: string;
}

/** Bounce types that say the address will not take mail; the transient ones may pass later. */
const BOUNCES: Record<string, Bounce['type']> = { HardBounce: 'hard', BadEmailAddress: 'hard', ManuallyDeactivated: 'hard', SoftBounce: 'soft', Transient: 'soft', DnsError: 'soft' };

export const postmarkInbound: ProviderInbound = {
  eventUrl(publicUrl, conn, macKeys) {
    const url = new URL(`${publicUrl}${HOOKS_PATH}/${encodeURIComponent(conn.id)}`);
    url.username = conn.id;
    url.password = eventPasswords(conn.id, macKeys)[0]!;
    return url.toString();
  },
  async receive(req, ctx) {
    const basic = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    const [user = '', ...rest] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
    const password = rest.join(':');
    const passwords = eventPasswords(ctx.conn.id, ctx.macKeys);
    // Every candidate is compared, so the time taken does not tell which key (if any) matched.
    const matches = passwords.map((p) => safeEqual(p, password)).some(Boolean);
    if (!safeEqual(user, ctx.conn.id) || !matches) throw badSignature('The Postmark webhook credentials do not match this connection\'s event URL', URL_HINT);
    const p = jsonBody<PostmarkPost>(req);
    if (!p.MessageID) return [];
    const base = { providerMessageId: p.MessageID };
    // Bounce IDs may pass 2^53 and lose digits in JSON.parse: the message and address keep keys apart.
    const events: InboundEvent[] = [];
    if (p.RecordType === 'Delivery' && p.Recipient) {
      events.push({ ...base, recipient: p.Recipient, type: 'delivered', at: p.DeliveredAt, eventId: `delivery:${p.MessageID}:${p.Recipient.toLowerCase()}` });
    } else if (p.RecordType === 'Bounce' && p.Email && p.Type && BOUNCES[p.Type]) {
      const diagnostic = (p.Details || p.Description || '').slice(0, 1000);
      events.push({ ...base, recipient: p.Email, type: 'bounced', at: p.BouncedAt, eventId: `bounce:${p.ID}:${p.MessageID}:${p.Email.toLowerCase()}`, bounce: { type: BOUNCES[p.Type]!, ...(diagnostic ? { diagnostic } : {}) } });
    } else if (p.RecordType === 'SpamComplaint' && p.Email) {
      events.push({ ...base, recipient: p.Email, type: 'complained', at: p.BouncedAt, eventId: `complaint:${p.ID}:${p.MessageID}:${p.Email.toLowerCase()}` });
    }
    return events;
  },
};
