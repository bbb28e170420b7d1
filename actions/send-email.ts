import type { SendEmailInput } from '../schemas/types.js';
import { EnvoiError } from '../connector/errors.js';
import { parseAddressList } from './addresses.js';
import { defineMailAction } from './define.js';

/**
 * One-click unsubscribe (RFC 8058) needs a public URL to link to, and a link that names its one
 * recipient: a header is the same for everyone who gets the message, so in a mail to several
 * people any of them could unsubscribe the others. Such mail is refused with a hint, not sent
 * with a link that names somebody else.
 */
function checkOneClick(publicUrl: string | undefined, input: SendEmailInput): void {
  if (!publicUrl) {
    throw new EnvoiError('VALIDATION_FAILED', 'One-click unsubscribe needs the public URL of this server', {
      hint: 'Set ENVOI_PUBLIC_URL (e.g. https://mail.example.com) so the unsubscribe link can point at this server, or turn listUnsubscribe off.',
      details: [{ path: '/listUnsubscribe', message: 'needs ENVOI_PUBLIC_URL to be set' }],
    });
  }
  const count = parseAddressList(input.to, '/to').length + parseAddressList(input.cc, '/cc').length + parseAddressList(input.bcc, '/bcc').length;
  if (count !== 1) {
    throw new EnvoiError('VALIDATION_FAILED', `One-click unsubscribe needs exactly one recipient, not ${count}`, {
      hint: 'Send one mail per recipient (to only, no cc or bcc), so each link unsubscribes the person who got it.',
      details: [{ path: '/listUnsubscribe', message: 'needs exactly one recipient in to, cc and bcc together' }],
    });
  }
}

/** Send an email: rendered from Handlebars templates, queued durably, delivered with retries. */
export const sendEmail = defineMailAction<SendEmailInput>({
  key: 'send-email',
  version: 1,
  title: 'Send email',
  description: 'Send an email through the default connection or a named one. Subject, HTML and text are templates filled from data; the mail is queued durably and delivered with retries.',
  inputSchema: 'send-email.input.schema.json',
  async plan(ctx, input) {
    const sendAt = input.sendAt ? new Date(input.sendAt) : undefined;
    if (sendAt && Number.isNaN(sendAt.getTime())) {
      throw new EnvoiError('VALIDATION_FAILED', 'sendAt is not a date', { details: [{ path: '/sendAt', message: 'must be an ISO 8601 date-time' }] });
    }
    if (input.listUnsubscribe) checkOneClick(ctx.publicUrl, input);
    return {
      connection: input.connection,
      sendAt,
      listUnsubscribe: input.listUnsubscribe === true,
      parts: {
        to: input.to,
        cc: input.cc,
        bcc: input.bcc,
        replyTo: input.replyTo,
        subject: input.subject,
        html: input.html,
        text: input.text,
        data: input.data as Record<string, unknown> | undefined,
        attachments: input.attachments,
        headers: input.headers as Record<string, string> | undefined,
        priority: input.priority,
        calendarEvent: input.calendarEvent,
      },
    };
  },
});
