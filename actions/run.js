import { EnvoiError } from '../connector/errors.js';
import { check, validateOrThrow } from '../schemas/validator.js';
import { actionContext } from './context.js';
import { getAction } from './registry.js';
/**
 * The three things a caller does with an action — validate, preview, execute — as plain calls:
 * the HTTP routes parse and call these, and a host embedding Envoi calls them the same way.
 */
/** Longest `wait` an execute may ask for. */
export const MAX_WAIT_S = 60;
/** Checks an input as execute would (schema, addresses, templates, the named connection) and lists what is wrong. */
export async function validateAction(s, scope, key, input) {
    const action = getAction(key);
    const schema = check(action.inputSchema, input);
    if (!schema.valid)
        return { valid: false, errors: schema.errors };
    try {
        await action.preview(actionContext(s, scope), input);
        return { valid: true, errors: [] };
    }
    catch (err) {
        if (!(err instanceof EnvoiError) || err.status >= 500)
            throw err;
        return { valid: false, errors: err.details ?? [{ path: '/', message: err.message }], error: err.toBody() };
    }
}
/** Renders what execute would do, without doing it. */
export async function previewAction(s, scope, key, input) {
    const action = getAction(key);
    return action.preview(actionContext(s, scope), validateOrThrow(action.inputSchema, input, `${action.key} input`));
}
/**
 * Runs an action. Mail actions answer 202 `{deliveryId, status}` once the message is queued; with
 * `waitMs`, 200 with the first attempt's outcome as soon as it ends in any way (sent, or its
 * error), else 202 with the status then. create-ics answers 200 with its file.
 */
export async function executeAction(s, scope, key, input, opts = {}) {
    const action = getAction(key);
    const valid = validateOrThrow(action.inputSchema, input, `${action.key} input`);
    const result = await action.execute(actionContext(s, scope, { idempotencyKey: opts.idempotencyKey, signal: opts.signal }), valid);
    if (action.executeStatus === 200)
        return { status: 200, body: result };
    const queued = result;
    if (!opts.waitMs)
        return { status: 202, body: queued };
    const w = await s.outbox.waitForFirstAttempt(queued.deliveryId, opts.waitMs);
    if (w?.ended) {
        const d = w.delivery;
        return { status: 200, body: { deliveryId: d.id, status: d.status, messageId: d.messageId, accepted: d.accepted ?? [], rejected: d.rejected ?? [], ...(w.error ? { error: w.error } : {}) } };
    }
    return { status: 202, body: { ...queued, ...(w ? { status: w.delivery.status } : {}) } };
}
//# sourceMappingURL=run.js.map