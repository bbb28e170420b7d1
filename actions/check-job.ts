import { EnvoiError, type ErrorDetail } from '../connector/errors.js';
import { parseAddressList } from './addresses.js';
import { compileTemplate, type TemplateKind } from './templates/engine.js';

/**
 * The checks validate makes beside the schema, each on its own field, so one answer lists every
 * problem of an input (issue #14: a builder fixed one kind of error per round, because schema
 * errors returned before addresses were parsed and rendering stopped at the first bad template).
 * Each check looks only at a field of the type it expects and skips the rest, which the schema
 * reports; it runs on a pool thread since compiling a template is the costly part.
 */

/** An input's fields to check, as the pool hands them to a thread. */
export interface CheckJob {
  input: unknown;
}

export interface CheckResult {
  /** Every problem found, field by field. */
  details: ErrorDetail[];
  /** The first problem as an API error body (a TEMPLATE_ERROR keeps its line and column). */
  first?: ReturnType<EnvoiError['toBody']>;
}

/** The URL the pool loads this job from. */
export const CHECK_JOB = new URL('./check-job.js', import.meta.url).href;

const ADDRESS_FIELDS = ['to', 'cc', 'bcc', 'replyTo'] as const;
const TEMPLATE_FIELDS: TemplateKind[] = ['subject', 'html', 'text'];

const isAddresses = (v: unknown): v is string | string[] => typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'));

/** Runs every field check on `input`; what fails is collected, never thrown. */
export function run(job: CheckJob): CheckResult {
  const input = job.input && typeof job.input === 'object' && !Array.isArray(job.input) ? (job.input as Record<string, unknown>) : {};
  const result: CheckResult = { details: [] };
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof EnvoiError)) throw err;
      result.details.push(...(err.details ?? [{ path: '/', message: err.message }]));
      result.first ??= err.toBody();
    }
  };
  for (const field of TEMPLATE_FIELDS) {
    const v = input[field];
    if (typeof v === 'string') attempt(() => compileTemplate(v, field));
  }
  for (const field of ADDRESS_FIELDS) {
    const v = input[field];
    if (isAddresses(v)) attempt(() => parseAddressList(v, `/${field}`));
  }
  return result;
}
