import { composeMessage } from './compose.js';
/** Buffers arrive from the main thread as plain Uint8Arrays; nodemailer wants Buffers. */
function revive(mail) {
    if (!mail.attachments?.length)
        return mail;
    return {
        ...mail,
        attachments: mail.attachments.map((a) => {
            const c = a.content;
            return c instanceof Uint8Array && !Buffer.isBuffer(c) ? { ...a, content: Buffer.from(c.buffer, c.byteOffset, c.byteLength) } : a;
        }),
    };
}
/** Builds one MIME message on a pool thread (see Composer). */
export function run(job, _ctx) {
    return composeMessage(job.id, revive(job.mail), job.maxBytes, job.options);
}
//# sourceMappingURL=compose-job.js.map