/**
 * SES events through SNS (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html and
 * event-publishing-retrieving-sns-contents.html): the SNS message is verified (./sns.ts); a
 * SubscriptionConfirmation is confirmed by a GET of its SubscribeURL (only on the trusted hosts);
 * a Notification's Message is an identity notification (`notificationType`) or a configuration-set
 * event (`eventType`): Bounce, Complaint or Delivery, with the SES message id in `mail.messageId`.
 */
import type { Bounce } from '../../events/types.js';
import { badSignature, jsonBody, type InboundEvent, type ProviderInbound } from '../inbound.js';
import { fetchTrusted, trustedUrl, verifySns, type SnsMessage } from './sns.js';

interface SesEvent {
  notificationType?: string;
  eventType?: string;
  mail?: { messageId?: string };
  bounce?: { bounceType?: string; bouncedRecipients?: Array<{ emailAddress?: string; status?: string; diagnosticCode?: string }>; timestamp?: string };
  complaint?: { complainedRecipients?: Array<{ emailAddress?: string }>; timestamp?: string };
  delivery?: { recipients?: string[]; timestamp?: string };
}

function eventsOf(e: SesEvent, snsId: string): InboundEvent[] {
  const id = e.mail?.messageId;
  if (!id) return [];
  const one = (recipient: string | undefined, rest: Omit<InboundEvent, 'providerMessageId' | 'recipient' | 'eventId'>): InboundEvent[] =>
    recipient ? [{ providerMessageId: id, recipient, eventId: `${snsId}:${recipient.toLowerCase()}`, ...rest }] : [];
  switch (e.notificationType ?? e.eventType) {
    case 'Delivery':
      return (e.delivery?.recipients ?? []).flatMap((r) => one(r, { type: 'delivered', at: e.delivery?.timestamp }));
    case 'Bounce': {
      // Permanent: the address will not take mail (hard); Transient and Undetermined may pass later.
      const type: Bounce['type'] = e.bounce?.bounceType === 'Permanent' ? 'hard' : 'soft';
      return (e.bounce?.bouncedRecipients ?? []).flatMap((r) =>
        one(r.emailAddress, { type: 'bounced', at: e.bounce?.timestamp, bounce: { type, ...(r.status ? { status: r.status } : {}), ...(r.diagnosticCode ? { diagnostic: r.diagnosticCode.slice(0, 1000) } : {}) } }),
      );
    }
    case 'Complaint':
      return (e.complaint?.complainedRecipients ?? []).flatMap((r) => one(r.emailAddress, { type: 'complained', at: e.complaint?.timestamp }));
    default:
      return [];
  }
}

export const sesInbound: ProviderInbound = {
  async receive(req, ctx) {
    // SNS posts JSON as text/plain; the signature lies inside, over named fields, not the bytes.
    const m = jsonBody<SnsMessage>(req);
    await verifySns(m, ctx.config.snsCertHosts);
    if (m.Type === 'SubscriptionConfirmation') {
      const url = trustedUrl(m.SubscribeURL, ctx.config.snsCertHosts);
      if (!url) throw badSignature('The SNS SubscribeURL is not on a trusted host', 'Only Amazon SNS topics can subscribe the event URL; see ENVOI_SNS_CERT_HOSTS.');
      await fetchTrusted(url);
      ctx.logger.info('SNS subscription confirmed', { connectionId: ctx.conn.id, topicArn: m.TopicArn });
      return [];
    }
    if (m.Type !== 'Notification' || !m.Message || !m.MessageId) return [];
    let event: SesEvent;
    try {
      event = JSON.parse(m.Message) as SesEvent;
    } catch {
      return [];
    }
    return eventsOf(event, m.MessageId);
  },
};
