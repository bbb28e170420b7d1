import { EnvoiError, type ErrorCode, type ErrorDetail } from '../errors.js';
import type { WireError } from './job.js';
import { budgetExceeded } from './budget.js';

// A job that recurses too deep or builds a string past V8's limit has spent its budget: it gets
// a 4xx the builder can act on, not a 500.
const OUT_OF_ROOM = /Maximum call stack size exceeded|Invalid string length|Array buffer allocation failed/;

/** An error of a job, as it crosses from the pool thread to the main thread. */
export function toWire(err: unknown): WireError {
  if (err instanceof RangeError && OUT_OF_ROOM.test(err.message)) err = budgetExceeded('memory', 'The job ran out of stack or string space');
  if (err instanceof EnvoiError) return { envoi: { code: err.code, message: err.message, hint: err.hint, details: err.details, extra: err.extra } };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** The error again, on the main thread: an EnvoiError keeps its code, hint, details and extras. */
export function fromWire(w: WireError): Error {
  if ('envoi' in w) {
    const { code, message, hint, details, extra } = w.envoi;
    return new EnvoiError(code as ErrorCode, message, { hint, ...(details ? { details: details as ErrorDetail[] } : {}), ...(extra ? { extra } : {}) });
  }
  return new Error(w.message);
}
