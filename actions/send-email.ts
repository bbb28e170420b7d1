import type { SendEmailInput, SendEmailOutput } from '../schemas/types.js';
import { EnvoiError } from '../connector/errors.js';
import { parseAddressList } from './addresses.js';
import { defineAction } from './define.js';

/** Send an email: queued durably in the outbox, delivered by a worker. */
export const sendEmail = defineAction<SendEmailInput, SendEmailOutput>({
  key: 'send-email',
  version: 1,
  title: 'Send email',
  description: 'Send an email through the default connection or a named one. The mail is queued durably and delivered with retries.',
  inputSchema: 'send-email.input.schema.json',
  outputSchema: 'send-email.output.schema.json',
  async execute(ctx, input) {
    const to = parseAddressList(input.to, '/to');
    const cc = parseAddressList(input.cc, '/cc');
    const bcc = parseAddressList(input.bcc, '/bcc');
    const replyTo = input.replyTo ? parseAddressList(input.replyTo, '/replyTo') : undefined;
    const sendAt = input.sendAt ? new Date(input.sendAt) : undefined;
    if (sendAt && Number.isNaN(sendAt.getTime())) {
      throw new EnvoiError('VALIDATION_FAILED', 'sendAt is not a date', { details: [{ path: '/sendAt', message: 'must be an ISO 8601 date-time' }] });
    }
    const connection = await ctx.connections.resolveForSend(ctx.scope, input.connection);
    const mail = ctx.mailer.envelopeFor(connection, {
      to,
      cc: cc.length ? cc : undefined,
      bcc: bcc.length ? bcc : undefined,
      ...(replyTo ? { replyTo } : {}),
      subject: input.subject,
      text: input.text,
      html: input.html,
    });
    const { delivery } = await ctx.outbox.enqueue({
      scope: ctx.scope,
      connection,
      action: 'send-email',
      mail,
      idempotencyKey: ctx.idempotencyKey,
      sendAt,
      maxAttempts: ctx.maxAttempts,
    });
    return { deliveryId: delivery.id, status: delivery.status };
  },
});
