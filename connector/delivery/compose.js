import nodemailer from 'nodemailer';
import { EnvoiError } from '../errors.js';
import { textFromHtml } from './text-from-html.js';
/** Limits per message of design.md "Delivery", checked before anything is queued. */
export const LIMITS = Object.freeze({ recipients: 100, attachments: 20 });
// nodemailer's own pipeline, stopped before any network: a custom transport (nodemailer's
// documented transport API) that only builds the message. The pipeline applies everything a real
// send would (priority and list headers, calendar parts), drops Bcc from the headers (unlike the
// stream transport, which keeps it), and no message field may read a file or fetch a URL.
const buildOnly = {
    name: 'envoi-build',
    version: '1',
    options: { disableFileAccess: true, disableUrlAccess: true },
    send(mail, done) {
        // Microsoft Graph reads the recipients from the message itself, Bcc included (and drops
        // that header on delivery); SMTP servers get Bcc only in the envelope.
        mail.message.keepBcc = mail.data.envoiKeepBcc === true;
        const envelope = mail.message.getEnvelope();
        mail.message.build().then((message) => done(null, { envelope, message }), done);
    },
};
const builder = nodemailer.createTransport(buildOnly, { xMailer: false });
/** The domain Message-IDs are minted in: the sender's, so they look like the sender's own mail. */
function messageIdDomain(from) {
    const address = typeof from === 'string' ? from : from?.address ?? '';
    const domain = /@([^>\s]+)>?\s*$/.exec(address)?.[1];
    return domain && /^[a-z0-9.-]+$/i.test(domain) ? domain.toLowerCase() : 'envoi.invalid';
}
/**
 * Builds the MIME message once with nodemailer. The Message-ID is derived from the delivery id,
 * so every attempt sends the same bytes and a duplicate (a server that stored the mail but whose
 * reply was lost) is recognisable by the recipient's mail system. An html message without a text
 * part gets one derived from the html. Runs on a compose thread (see Composer) or inline.
 */
export async function composeMessage(deliveryId, mail, maxBytes, options = {}) {
    if (mail.text === undefined && typeof mail.html === 'string')
        mail = { ...mail, text: textFromHtml(mail.html) };
    const attachments = mail.attachments?.length ?? 0;
    if (attachments > LIMITS.attachments) {
        throw new EnvoiError('VALIDATION_FAILED', `A message may carry ${LIMITS.attachments} attachments, not ${attachments}`, {
            hint: 'Send fewer files, or zip them into one.',
            details: [{ path: '/attachments', message: `must have at most ${LIMITS.attachments} items` }],
        });
    }
    const messageId = `<${deliveryId}@${messageIdDomain(mail.from)}>`;
    const built = (await builder.sendMail({ ...mail, messageId, ...(options.keepBcc ? { envoiKeepBcc: true } : {}) }));
    const envelope = built.envelope;
    if (envelope.to.length === 0) {
        throw new EnvoiError('VALIDATION_FAILED', 'The message has no recipient', { details: [{ path: '/to', message: 'needs at least one address' }] });
    }
    if (envelope.to.length > LIMITS.recipients) {
        throw new EnvoiError('VALIDATION_FAILED', `A message may have ${LIMITS.recipients} recipients (to, cc and bcc together), not ${envelope.to.length}`, {
            hint: 'Split the recipients over several messages.',
            details: [{ path: '/to', message: `to, cc and bcc together must have at most ${LIMITS.recipients} addresses` }],
        });
    }
    const raw = built.message;
    if (raw.length > maxBytes) {
        throw new EnvoiError('PAYLOAD_TOO_LARGE', `The message is ${raw.length} bytes; this server sends at most ${maxBytes}`);
    }
    return { raw: raw.toString('utf8'), envelope: { from: envelope.from || '', to: envelope.to }, messageId, size: raw.length, text: typeof mail.text === 'string' ? mail.text : '' };
}
//# sourceMappingURL=compose.js.map