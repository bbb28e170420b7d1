import { EnvoiError, type ErrorDetail } from '../connector/errors.js';
import { inputHash } from '../connector/idempotency.js';
import { check, validateOrThrow } from '../schemas/validator.js';
import { CHECK_JOB, type CheckJob, type CheckResult } from './check-job.js';
import { actionContext, type ActionServices, type ContextOptions } from './context.js';
import type { Preview } from './define.js';
import { getAction } from './registry.js';

/**
 * The three things a caller does with an action — validate, preview, execute — as plain calls:
 * the HTTP routes parse and call these, and a host embedding Envoi calls them the same way.
 */

/** Longest `wait` an execute may ask for. */
export const MAX_WAIT_S = 60;

export interface ValidateResult {
  valid: boolean;
  errors: ErrorDetail[];
  error?: ReturnType<EnvoiError['toBody']>;
}

/** Only the fields the checks read travel to the pool thread, not attachments or data. */
const CHECKED = ['to', 'cc', 'bcc', 'replyTo', 'subject', 'html', 'text'];
const checkedFields = (input: unknown) =>
  input && typeof input === 'object' && !Array.isArray(input) ? Object.fromEntries(Object.entries(input).filter(([k]) => CHECKED.includes(k))) : {};

/**
 * Checks an input as execute would (schema, addresses, templates, the named connection) and lists
 * everything wrong in one answer: the schema's errors and the field checks (check-job.ts) together,
 * a field the schema already faults not reported twice; preview runs once they all pass.
 */
export async function validateAction(s: ActionServices, scope: string, key: string, input: unknown): Promise<ValidateResult> {
  const action = getAction(key);
  const schema = check(action.inputSchema, input);
  const fields = await s.pool.run<CheckResult>(scope, CHECK_JOB, { input: checkedFields(input) } satisfies CheckJob);
  const faulted = new Set(schema.errors.map((e) => e.path));
  const errors = [...schema.errors, ...fields.details.filter((d) => !faulted.has(d.path))];
  const first = fields.first?.details?.some((d) => !faulted.has(d.path)) ? fields.first : undefined;
  if (errors.length) return { valid: false, errors, ...(first ? { error: first } : {}) };
  try {
    await action.preview(actionContext(s, scope), input);
    return { valid: true, errors: [] };
  } catch (err) {
    if (!(err instanceof EnvoiError) || err.status >= 500) throw err;
    return { valid: false, errors: err.details ?? [{ path: '/', message: err.message }], error: err.toBody() };
  }
}

/**
 * Renders what execute would do, without doing it; with `template`, a system mail renders that
 * template instead of the stored one (an admin's unsaved edit).
 */
export async function previewAction(s: ActionServices, scope: string, key: string, input: unknown, opts: Pick<ContextOptions, 'template'> = {}): Promise<Preview> {
  const action = getAction(key);
  return action.preview(actionContext(s, scope, opts), validateOrThrow(action.inputSchema, input, `${action.key} input`));
}

export interface ExecuteOptions {
  idempotencyKey?: string | undefined;
  /** Wait up to this long for the first attempt (0: answer once queued). */
  waitMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Runs an action. Mail actions answer 202 `{deliveryId, status}` once the message is queued; with
 * `waitMs`, 200 with the first attempt's outcome as soon as it ends in any way (sent, or its
 * error), else 202 with the status then. create-ics answers 200 with its file.
 */
export async function executeAction(s: ActionServices, scope: string, key: string, input: unknown, opts: ExecuteOptions = {}): Promise<{ status: 200 | 202; body: unknown }> {
  const action = getAction(key);
  const valid = validateOrThrow(action.inputSchema, input, `${action.key} input`);
  // With a key, the input it came with is remembered, so a reuse with another input is refused.
  const hash = opts.idempotencyKey === undefined ? undefined : inputHash(action.key, input);
  const leave = s.outbox.foreground.enter();
  let result: unknown;
  try {
    result = await action.execute(actionContext(s, scope, { idempotencyKey: opts.idempotencyKey, inputHash: hash, signal: opts.signal }), valid);
  } finally {
    leave();
  }
  if (action.executeStatus === 200) return { status: 200, body: result };
  const queued = result as { deliveryId: string; status: string };
  if (!opts.waitMs) return { status: 202, body: queued };
  const w = await s.outbox.waitForFirstAttempt(queued.deliveryId, opts.waitMs);
  if (w?.ended) {
    const d = w.delivery;
    return { status: 200, body: { deliveryId: d.id, status: d.status, messageId: d.messageId, accepted: d.accepted ?? [], rejected: d.rejected ?? [], ...(w.error ? { error: w.error } : {}) } };
  }
  return { status: 202, body: { ...queued, ...(w ? { status: w.delivery.status } : {}) } };
}
