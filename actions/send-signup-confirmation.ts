import type { SendSignupConfirmationInput } from '../schemas/types.js';
import { parseAddressList } from './addresses.js';
import { defineMailAction } from './define.js';
import { systemTemplate } from './templates/system.js';

/** Ask a new user to confirm their address, in their language. */
export const sendSignupConfirmation = defineMailAction<SendSignupConfirmationInput>({
  key: 'send-signup-confirmation',
  version: 1,
  title: 'Send sign-up confirmation',
  description: 'Ask a new user to confirm their email address with a link, using the built-in (or your own) sign-up mail in en, fr, de, nl, pt or ru.',
  inputSchema: 'send-signup-confirmation.input.schema.json',
  async plan(ctx, input) {
    const [recipient] = parseAddressList(input.to, '/to');
    const t = await systemTemplate(ctx.templates, ctx.scope, 'send-signup-confirmation', input.locale);
    return {
      connection: input.connection,
      locale: t.locale,
      parts: {
        to: input.to,
        subject: t.subject,
        html: t.html,
        text: t.text,
        data: { appName: input.appName, link: input.link, name: input.name, recipientEmail: recipient!.address, expiresAt: input.expiresAt },
      },
    };
  },
});
