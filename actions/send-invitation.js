import { defineSystemMailAction } from './system-mail.js';
/** Invite someone to an app, in their language, with the scope's invitation template. */
export const sendInvitation = defineSystemMailAction({
    key: 'send-invitation',
    title: 'Send invitation',
    description: 'Invite a person to an app with a link, using the built-in (or your own) invitation mail in en, fr, de, nl, pt or ru.',
    inputSchema: 'send-invitation.input.schema.json',
    extraData: (input) => ({ inviterName: input.inviterName }),
});
//# sourceMappingURL=send-invitation.js.map