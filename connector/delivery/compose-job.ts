import type Mail from 'nodemailer/lib/mailer';
import type { JobContext } from '../threads/job.js';
import { composeMessage, type ComposeOptions, type Composed } from './compose.js';

/** A message to build, as the pool hands it to a thread. */
export interface ComposeJob {
  id: string;
  mail: Mail.Options;
  maxBytes: number;
  options: ComposeOptions;
}

/** Buffers arrive from the main thread as plain Uint8Arrays; nodemailer wants Buffers. */
function revive(mail: Mail.Options): Mail.Options {
  if (!mail.attachments?.length) return mail;
  return {
    ...mail,
    attachments: mail.attachments.map((a) => {
      const c = a.content as unknown;
      return c instanceof Uint8Array && !Buffer.isBuffer(c) ? { ...a, content: Buffer.from(c.buffer, c.byteOffset, c.byteLength) } : a;
    }),
  };
}

/** Builds one MIME message on a pool thread (see Composer). */
export function run(job: ComposeJob, _ctx: JobContext): Promise<Composed> {
  return composeMessage(job.id, revive(job.mail), job.maxBytes, job.options);
}
