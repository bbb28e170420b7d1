import type { JobContext } from '../connector/threads/job.js';
import { buildMessage, type BuiltMessage, type MessageParts } from './message.js';

/** A message to render, as the pool hands it to a thread. */
export interface RenderJob {
  parts: MessageParts;
  uidDomain: string;
  locale?: string | undefined;
  /** The message size limit: subject, html and text may not render to more. */
  maxBytes: number;
}

/** The URL the pool loads this job from (connector/ never imports actions/). */
export const RENDER_JOB = new URL('./render-job.js', import.meta.url).href;

/**
 * Renders a message on a pool thread: templates compiled and rendered under the job's deadline
 * and the message size limit, addresses parsed, attachments decoded (buildMessage).
 */
export function run(job: RenderJob, ctx: JobContext): BuiltMessage {
  return buildMessage(job.parts, { uidDomain: job.uidDomain, locale: job.locale, budget: { deadline: ctx.deadline, maxOutput: job.maxBytes } });
}
