import { executeAction, MAX_WAIT_S, previewAction, validateAction, type ValidateResult } from '../../actions/run.js';
import type { Preview } from '../../actions/define.js';
import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';

export interface ExecuteCallOptions {
  /** The same key with the same input returns the first delivery instead of sending again. */
  idempotencyKey?: string | undefined;
  /** Seconds (0 to 60) to wait for the first attempt's outcome; 0 answers once the mail is queued. */
  wait?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** What execute answers: a mail action's `{deliveryId, status, …}`, create-ics' file. */
export type ExecuteResult = Record<string, unknown>;

export interface ActionOperations {
  validate(scope: string, action: string, input: unknown): Promise<ValidateResult>;
  preview(scope: string, action: string, input: unknown): Promise<Preview>;
  execute(scope: string, action: string, input: unknown, options?: ExecuteCallOptions): Promise<ExecuteResult>;
}

/** Checks execute's options as the API does (`?wait=S`, `idempotencyKey`); throws VALIDATION_FAILED. */
export function checkExecuteOptions(o: { idempotencyKey?: unknown; wait?: unknown }): { idempotencyKey: string | undefined; waitMs: number } {
  const k = o.idempotencyKey;
  if (k !== undefined && (typeof k !== 'string' || k.length < 1 || k.length > 255)) {
    throw new EnvoiError('VALIDATION_FAILED', 'idempotencyKey must be a string of 1 to 255 characters', { details: [{ path: '/idempotencyKey', message: 'must be 1 to 255 characters' }] });
  }
  const s = o.wait === undefined ? 0 : Number(o.wait);
  if (!Number.isFinite(s) || s < 0 || s > MAX_WAIT_S) {
    throw new EnvoiError('VALIDATION_FAILED', `wait must be a number of seconds from 0 to ${MAX_WAIT_S}`, { details: [{ path: '/wait', message: `must be from 0 to ${MAX_WAIT_S}` }] });
  }
  return { idempotencyKey: k, waitMs: s * 1000 };
}

/**
 * Runs execute with checked options and answers its HTTP status beside the body (200: done or
 * the first attempt ended; 202: queued); the route sends both, the library call the body.
 */
export async function runExecute(core: Core, scope: string, action: string, input: unknown, options: ExecuteCallOptions = {}): Promise<{ status: 200 | 202; body: ExecuteResult }> {
  const { idempotencyKey, waitMs } = checkExecuteOptions(options);
  const out = await executeAction(core, scope, action, input, { idempotencyKey, waitMs, signal: options.signal });
  return out as { status: 200 | 202; body: ExecuteResult };
}

/** The workflow actions (validate, preview, execute) of actions/run.ts as plain calls. */
export function actionOperations(core: Core): ActionOperations {
  return {
    validate: (scope, action, input) => validateAction(core, scope, action, input),
    preview: (scope, action, input) => previewAction(core, scope, action, input),
    execute: async (scope, action, input, options) => (await runExecute(core, scope, action, input, options)).body,
  };
}
