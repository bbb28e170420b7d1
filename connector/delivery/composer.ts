import type Mail from 'nodemailer/lib/mailer';
import type { ThreadPool } from '../threads/pool.js';
import { composeMessage, type Composed, type ComposeOptions } from './compose.js';
import type { ComposeJob } from './compose-job.js';

const COMPOSE_JOB = new URL('./compose-job.js', import.meta.url).href;

/** The most characters a part of a message built or rendered on the event loop may have (actions/render-job.ts too). */
export const INLINE_TEXT_CHARS = 16_384;

/**
 * Whether a message is cheap and bounded enough to build on the event loop: plain text only, of
 * a few pages, with nothing to convert or encode at length (no html, attachments, calendar part
 * or alternatives). Its build is linear in its size and takes well under a millisecond, less than
 * the two messages between threads it would cost (bench: about 0.2 ms of CPU per mail).
 */
export function buildsInline(mail: Mail.Options): boolean {
  const short = (v: unknown) => v === undefined || (typeof v === 'string' && v.length <= INLINE_TEXT_CHARS);
  return (
    mail.html === undefined && mail.attachments === undefined && mail.icalEvent === undefined && mail.alternatives === undefined &&
    mail.watchHtml === undefined && mail.amp === undefined && short(mail.text) && short(mail.subject)
  );
}

/**
 * Builds MIME messages on the pool's threads. Deriving the text part of an html mail and building
 * the MIME message are the costliest CPU work of an execute; off the event loop they no longer
 * hold up the requests being answered and the sends being made, and under the pool's budgets a
 * pathological html fails alone instead of holding a thread. (A pool of our own rather than
 * piscina: measured on 2 cores, piscina's one task at a time per thread built a 5 KB html mail in
 * 1.05 ms against 0.69 ms with jobs overlapping on a thread, and piscina has no fair share.) A
 * short plain-text message is built on the event loop (buildsInline).
 */
export class Composer {
  constructor(readonly pool: ThreadPool) {}

  /** Builds the message of delivery `id` for `scope` (the scope it is fair-shared under). */
  compose(scope: string, id: string, mail: Mail.Options, maxBytes: number, options: ComposeOptions = {}): Promise<Composed> {
    if (buildsInline(mail)) return composeMessage(id, mail, maxBytes, options);
    return this.pool.run<Composed>(scope, COMPOSE_JOB, { id, mail, maxBytes, options } satisfies ComposeJob);
  }
}
