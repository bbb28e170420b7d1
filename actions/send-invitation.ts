import type { SendInvitationInput } from '../schemas/types.js';
import { parseAddressList } from './addresses.js';
import { defineMailAction } from './define.js';
import { systemTemplate } from './templates/system.js';

/** Invite someone to an app, in their language, with the scope's invitation template. */
export const sendInvitation = defineMailAction<SendInvitationInput>({
  key: 'send-invitation',
  version: 1,
  title: 'Send invitation',
  description: 'Invite a person to an app with a link, using the built-in (or your own) invitation mail in en, fr, de, nl, pt or ru.',
  inputSchema: 'send-invitation.input.schema.json',
  async plan(ctx, input) {
    const [recipient] = parseAddressList(input.to, '/to');
    const t = await systemTemplate(ctx.templates, ctx.scope, 'send-invitation', input.locale);
    return {
      connection: input.connection,
      locale: t.locale,
      parts: {
        to: input.to,
        subject: t.subject,
        html: t.html,
        text: t.text,
        data: { appName: input.appName, link: input.link, inviterName: input.inviterName, recipientEmail: recipient!.address, expiresAt: input.expiresAt },
      },
    };
  },
});
