/**
 * Resend's webhooks (https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests), sent
 * through Svix: headers svix-id, svix-timestamp and svix-signature (`v1,<base64>` entries, space
 * separated), each the HMAC-SHA256 of `<id>.<timestamp>.<body>` keyed with the base64 part of the
 * endpoint's `whsec_…` secret (the Standard Webhooks scheme). Timestamps beyond 5 minutes are
 * refused, as Svix's own libraries do.
 */
import crypto from 'node:crypto';
import type { Bounce } from '../../events/types.js';
import { badSignature, fresh, header, jsonBody, safeEqual, type InboundEvent, type InboundRequest, type ProviderInbound } from '../inbound.js';

const TOLERANCE_S = 5 * 60;
const SECRET_HINT = 'In the Resend dashboard, Webhooks → the endpoint → Signing secret: copy the whsec_… value into the connection\'s webhook secret.';

interface ResendPost {
  type?: string;
  created_at?: string;
  data?: { email_id?: string; to?: string[] | string; bounce?: { type?: string; subType?: string; message?: string } };
}

/** Checks the Svix signature; answers the message id (the event's id). */
export function verifySvix(req: InboundRequest, secret: string): string {
  const id = header(req, 'svix-id') ?? '';
  const timestamp = header(req, 'svix-timestamp') ?? '';
  const signatures = (header(req, 'svix-signature') ?? '').split(' ');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`).update(req.body).digest('base64');
  const match = signatures.some((s) => s.startsWith('v1,') && safeEqual(s.slice(3), expected));
  if (!id || !match) throw badSignature('The Resend (Svix) webhook signature does not match', SECRET_HINT);
  if (!fresh(timestamp, TOLERANCE_S)) throw badSignature('The Resend webhook timestamp is more than 5 minutes away', 'Svix signs each attempt afresh; an old timestamp is a replay. Check the server\'s clock.');
  return id;
}

function bounceOf(b: NonNullable<ResendPost['data']>['bounce']): Bounce {
  // Resend passes on SES's bounce types: Transient is soft; Permanent (and an unknown one) hard.
  const message = [b?.subType, b?.message].filter(Boolean).join(': ');
  return { type: b?.type === 'Transient' ? 'soft' : 'hard', ...(message ? { diagnostic: message.slice(0, 1000) } : {}) };
}

const TYPES: Record<string, InboundEvent['type']> = { 'email.delivered': 'delivered', 'email.bounced': 'bounced', 'email.complained': 'complained' };

export const resendInbound: ProviderInbound = {
  async receive(req, ctx) {
    const secret = ctx.conn.secrets.webhookSecret;
    if (!secret) throw badSignature('This connection has no webhook secret, so Resend\'s events cannot be checked', SECRET_HINT);
    const eventId = verifySvix(req, secret);
    const post = jsonBody<ResendPost>(req);
    const type = TYPES[post.type ?? ''];
    const d = post.data;
    if (!type || !d?.email_id) return [];
    const to = Array.isArray(d.to) ? d.to : d.to ? [d.to] : [];
    return to.map((recipient) => ({ providerMessageId: d.email_id!, recipient, type, at: post.created_at, eventId: `${eventId}:${recipient.toLowerCase()}`, ...(type === 'bounced' ? { bounce: bounceOf(d.bounce) } : {}) }));
  },
};
