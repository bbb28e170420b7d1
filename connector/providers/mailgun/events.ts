/**
 * Mailgun's webhooks (https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/
 * "Securing Webhooks"): a JSON body `{signature: {timestamp, token, signature}, "event-data": …}`,
 * the signature the hex HMAC-SHA256 of timestamp + token with the account's HTTP webhook signing
 * key. Mailgun advises refusing old timestamps and tokens seen before: both are replays.
 */
import crypto from 'node:crypto';
import type { Bounce } from '../../events/types.js';
import { badSignature, fresh, jsonBody, safeEqual, type InboundEvent, type ProviderInbound } from '../inbound.js';

const TOLERANCE_S = 5 * 60;
const KEY_HINT = 'In Mailgun, Sending → Webhooks: copy the HTTP webhook signing key into the connection\'s webhook signing key.';

interface MailgunPost {
  signature?: { timestamp?: string; token?: string; signature?: string };
  'event-data'?: {
    id?: string;
    event?: string;
    timestamp?: number;
    recipient?: string;
    severity?: string;
    reason?: string;
    'delivery-status'?: { code?: number; message?: string; description?: string; 'enhanced-code'?: string };
    message?: { headers?: { 'message-id'?: string } };
  };
}

function bounceOf(d: NonNullable<MailgunPost['event-data']>): Bounce {
  const s = d['delivery-status'] ?? {};
  const diagnostic = [s.code, s.message || s.description].filter((x) => x !== undefined && x !== '').join(' ');
  return { type: d.severity === 'permanent' ? 'hard' : 'soft', ...(s['enhanced-code'] ? { status: s['enhanced-code'] } : {}), ...(diagnostic ? { diagnostic: diagnostic.slice(0, 1000) } : {}) };
}

export const mailgunInbound: ProviderInbound = {
  async receive(req, ctx) {
    const key = ctx.conn.secrets.webhookSigningKey;
    if (!key) throw badSignature('This connection has no webhook signing key, so Mailgun\'s events cannot be checked', KEY_HINT);
    // The body must be read to find the signature; nothing else is used until it holds.
    const post = jsonBody<MailgunPost>(req);
    const { timestamp = '', token = '', signature = '' } = post.signature ?? {};
    const expected = crypto.createHmac('sha256', key).update(timestamp + token).digest('hex');
    if (!safeEqual(expected, signature)) throw badSignature('The Mailgun webhook signature does not match', KEY_HINT);
    if (!fresh(timestamp, TOLERANCE_S)) throw badSignature('The Mailgun webhook is older than 5 minutes', 'Mailgun posts at once; an old signature is a replay. Check the server\'s clock.');
    if (!(await ctx.once(`mailgun-token:${token}`, 2 * TOLERANCE_S * 1000))) throw badSignature('This Mailgun webhook token was used before', 'Each Mailgun post has a fresh token; a repeated one is a replay.');
    const d = post['event-data'];
    const id = d?.message?.headers?.['message-id']?.replace(/^<|>$/g, '');
    if (!d || !id || !d.recipient || !d.id) return [];
    const at = typeof d.timestamp === 'number' ? new Date(d.timestamp * 1000).toISOString() : undefined;
    const base = { providerMessageId: id, recipient: d.recipient, at, eventId: d.id };
    const events: InboundEvent[] = [];
    if (d.event === 'delivered') events.push({ ...base, type: 'delivered' });
    else if (d.event === 'failed') events.push({ ...base, type: 'bounced', bounce: bounceOf(d) });
    else if (d.event === 'complained') events.push({ ...base, type: 'complained' });
    return events;
  },
};
