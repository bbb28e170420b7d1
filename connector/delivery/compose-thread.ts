import { parentPort } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer';
import { EnvoiError } from '../errors.js';
import { composeMessage, type ComposeOptions, type Composed } from './compose.js';

/** What the main thread asks for: one message to build. */
export interface ComposeRequest {
  n: number;
  id: string;
  mail: Mail.Options;
  maxBytes: number;
  options: ComposeOptions;
}

/** The answer. Structured clone keeps only an Error's message, so an EnvoiError travels as fields. */
export type ComposeReply =
  | { n: number; composed: Composed }
  | { n: number; envoi: { code: string; message: string; hint: string; details: EnvoiError['details']; extra: EnvoiError['extra'] } }
  | { n: number; message: string };

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

async function handle(req: ComposeRequest): Promise<ComposeReply> {
  try {
    return { n: req.n, composed: await composeMessage(req.id, revive(req.mail), req.maxBytes, req.options) };
  } catch (err) {
    if (err instanceof EnvoiError) return { n: req.n, envoi: { code: err.code, message: err.message, hint: err.hint, details: err.details, extra: err.extra } };
    return { n: req.n, message: err instanceof Error ? err.message : String(err) };
  }
}

// Requests are handled as they come, not one after another: building a message waits on streams,
// and the next one can use that time.
parentPort?.on('message', (req: ComposeRequest) => {
  void handle(req).then((reply) => parentPort!.postMessage(reply));
});
