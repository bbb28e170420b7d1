import { EnvoiError } from '../connector/errors.js';
import { parseAddressList } from './addresses.js';
import { defineMailAction } from './define.js';
/**
 * A system mail action: the scope's template for the action in the recipient's locale, filled
 * with the app, the link, the recipient and what `extraData` adds (inviter, name).
 */
export function defineSystemMailAction(spec) {
    return defineMailAction({
        key: spec.key,
        version: 1,
        title: spec.title,
        description: spec.description,
        inputSchema: spec.inputSchema,
        async plan(ctx, input) {
            // A system mail goes to one person: "a@x, b@y" in the one string is refused, not sent to both.
            const recipients = parseAddressList(input.to, '/to');
            if (recipients.length !== 1) {
                throw new EnvoiError('VALIDATION_FAILED', `A ${spec.key} mail goes to exactly one address, not ${recipients.length}`, {
                    hint: 'Send one mail per recipient.',
                    details: [{ path: '/to', message: 'must be exactly one address' }],
                });
            }
            const recipient = recipients[0];
            const t = await ctx.template(spec.key, input.locale);
            return {
                connection: input.connection,
                locale: t.locale,
                parts: {
                    to: input.to,
                    subject: t.subject,
                    html: t.html,
                    text: t.text,
                    data: { appName: input.appName, link: input.link, recipientEmail: recipient.address, expiresAt: input.expiresAt, ...spec.extraData(input) },
                },
            };
        },
    });
}
//# sourceMappingURL=system-mail.js.map