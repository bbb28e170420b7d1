/**
 * SendGrid's signed Event Webhook (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/
 * getting-started-event-webhook-security-features): an ECDSA P-256 signature (SHA-256, base64 DER)
 * in X-Twilio-Email-Event-Webhook-Signature over the X-Twilio-Email-Event-Webhook-Timestamp header
 * followed by the exact body, checked with the public key the dashboard shows (base64 DER, SPKI).
 */
import crypto from 'node:crypto';
import { EnvoiError } from '../../errors.js';
import type { Bounce } from '../../events/types.js';
import { badSignature, header, jsonBody, type InboundEvent, type ProviderInbound } from '../inbound.js';

const KEY_HINT = 'In the SendGrid dashboard, Settings → Mail Settings → Event Webhook: turn on Signed Event Webhook Requests and copy the verification key into the connection\'s event webhook public key.';

/** The public key as the dashboard shows it (base64 of the DER) or as PEM. */
export function publicKeyOf(text: string): crypto.KeyObject {
  const t = text.trim();
  return t.startsWith('-----') ? crypto.createPublicKey(t) : crypto.createPublicKey({ key: Buffer.from(t.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
}

/** Checks a saved key: an EC P-256 public key, or VALIDATION_FAILED (it is not a secret: it may be named). */
export function checkPublicKey(text: string): void {
  let ok = false;
  try {
    ok = publicKeyOf(text).asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch { /* not a key: refused below */ }
  if (!ok) throw new EnvoiError('VALIDATION_FAILED', 'The event webhook public key is not an ECDSA P-256 public key', { hint: KEY_HINT, details: [{ path: '/eventWebhookPublicKey', message: 'is not an ECDSA P-256 public key (base64 DER or PEM)' }] });
}

interface SendGridEvent {
  email?: string;
  timestamp?: number;
  event?: string;
  sg_event_id?: string;
  sg_message_id?: string;
  type?: string;
  reason?: string;
  status?: string;
}

/** The X-Message-Id the send answered is the start of sg_message_id, before `.filter…`/`.recvd…`. */
function messageIds(sg: string): string[] {
  const cut = /\.(?:filter|recvd)/.exec(sg);
  return [...new Set([sg, ...(cut ? [sg.slice(0, cut.index)] : []), sg.split('.')[0]!])];
}

function bounceOf(e: SendGridEvent): Bounce {
  // `bounce` is a permanent refusal; `blocked` a temporary one; `dropped` never left SendGrid.
  return { type: e.event === 'bounce' && e.type !== 'blocked' ? 'hard' : 'soft', ...(e.status ? { status: e.status } : {}), ...(e.reason ? { diagnostic: e.reason.slice(0, 1000) } : {}) };
}

const TYPES: Record<string, InboundEvent['type']> = { delivered: 'delivered', bounce: 'bounced', dropped: 'bounced', spamreport: 'complained' };

export const sendgridInbound: ProviderInbound = {
  async receive(req, ctx) {
    const text = ctx.conn.settings.eventWebhookPublicKey;
    if (!text) throw badSignature('This connection has no event webhook public key, so SendGrid\'s events cannot be checked', KEY_HINT);
    const signature = Buffer.from(header(req, 'x-twilio-email-event-webhook-signature') ?? '', 'base64');
    const timestamp = header(req, 'x-twilio-email-event-webhook-timestamp') ?? '';
    let valid = false;
    try {
      valid = crypto.verify('sha256', Buffer.concat([Buffer.from(timestamp), req.body]), { key: publicKeyOf(text), dsaEncoding: 'der' }, signature);
    } catch { /* a malformed signature is a wrong one */ }
    if (!valid) throw badSignature('The SendGrid event webhook signature does not match', KEY_HINT);
    const events = jsonBody<SendGridEvent[]>(req);
    if (!Array.isArray(events)) return [];
    return events.flatMap((e): InboundEvent[] => {
      const type = TYPES[e.event ?? ''];
      if (!type || !e.email || !e.sg_message_id || !e.sg_event_id) return [];
      const at = typeof e.timestamp === 'number' ? new Date(e.timestamp * 1000).toISOString() : undefined;
      return [{ providerMessageId: messageIds(e.sg_message_id), recipient: e.email, type, at, eventId: e.sg_event_id, ...(type === 'bounced' ? { bounce: bounceOf(e) } : {}) }];
    });
  },
};
