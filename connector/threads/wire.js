import { EnvoiError } from '../errors.js';
import { asBudget } from './budget.js';
/** An error of a job, as it crosses from the pool thread to the main thread. */
export function toWire(err) {
    err = asBudget(err);
    if (err instanceof EnvoiError)
        return { envoi: { code: err.code, message: err.message, hint: err.hint, details: err.details, extra: err.extra } };
    return { message: err instanceof Error ? err.message : String(err) };
}
/** The error again, on the main thread: an EnvoiError keeps its code, hint, details and extras. */
export function fromWire(w) {
    if ('envoi' in w) {
        const { code, message, hint, details, extra } = w.envoi;
        return new EnvoiError(code, message, { hint, ...(details ? { details: details } : {}), ...(extra ? { extra } : {}) });
    }
    return new Error(w.message);
}
//# sourceMappingURL=wire.js.map