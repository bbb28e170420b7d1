import { EnvoiError } from '../connector/errors.js';
import { defineMailAction } from './define.js';
/** Send an email: rendered from Handlebars templates, queued durably, delivered with retries. */
export const sendEmail = defineMailAction({
    key: 'send-email',
    version: 1,
    title: 'Send email',
    description: 'Send an email through the default connection or a named one. Subject, HTML and text are templates filled from data; the mail is queued durably and delivered with retries.',
    inputSchema: 'send-email.input.schema.json',
    async plan(_ctx, input) {
        const sendAt = input.sendAt ? new Date(input.sendAt) : undefined;
        if (sendAt && Number.isNaN(sendAt.getTime())) {
            throw new EnvoiError('VALIDATION_FAILED', 'sendAt is not a date', { details: [{ path: '/sendAt', message: 'must be an ISO 8601 date-time' }] });
        }
        return {
            connection: input.connection,
            sendAt,
            parts: {
                to: input.to,
                cc: input.cc,
                bcc: input.bcc,
                replyTo: input.replyTo,
                subject: input.subject,
                html: input.html,
                text: input.text,
                data: input.data,
                attachments: input.attachments,
                headers: input.headers,
                priority: input.priority,
                calendarEvent: input.calendarEvent,
            },
        };
    },
});
//# sourceMappingURL=send-email.js.map