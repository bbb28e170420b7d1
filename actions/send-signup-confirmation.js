import { defineSystemMailAction } from './system-mail.js';
/** Ask a new user to confirm their address, in their language. */
export const sendSignupConfirmation = defineSystemMailAction({
    key: 'send-signup-confirmation',
    title: 'Send sign-up confirmation',
    description: 'Ask a new user to confirm their email address with a link, using the built-in (or your own) sign-up mail in en, fr, de, nl, pt or ru.',
    inputSchema: 'send-signup-confirmation.input.schema.json',
    extraData: (input) => ({ name: input.name }),
});
//# sourceMappingURL=send-signup-confirmation.js.map