import { buildMessage } from './message.js';
/** The URL the pool loads this job from (connector/ never imports actions/). */
export const RENDER_JOB = new URL('./render-job.js', import.meta.url).href;
/**
 * Renders a message on a pool thread: templates compiled and rendered under the job's deadline
 * and the message size limit, addresses parsed, attachments decoded (buildMessage).
 */
export function run(job, ctx) {
    return buildMessage(job.parts, { uidDomain: job.uidDomain, locale: job.locale, budget: { deadline: ctx.deadline, maxOutput: job.maxBytes } });
}
//# sourceMappingURL=render-job.js.map