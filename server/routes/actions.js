import { Router } from 'express';
import { ACTIONS } from '../../actions/registry.js';
import { executeAction, MAX_WAIT_S, previewAction, validateAction } from '../../actions/run.js';
import { EnvoiError } from '../../connector/errors.js';
import { authorize, route } from '../auth.js';
/** Reads `?wait=S`: seconds to wait for the first attempt, 0 to answer at once. */
function waitSeconds(req) {
    if (req.query.wait === undefined)
        return 0;
    const s = Number(req.query.wait);
    if (!Number.isFinite(s) || s < 0 || s > MAX_WAIT_S) {
        throw new EnvoiError('VALIDATION_FAILED', `wait must be a number of seconds from 0 to ${MAX_WAIT_S}`, { details: [{ path: '/wait', message: `must be from 0 to ${MAX_WAIT_S}` }] });
    }
    return s;
}
/** Reads the idempotency key from the body or the Idempotency-Key header. */
function idempotencyKey(req, body) {
    const k = body.idempotencyKey ?? req.get('idempotency-key');
    if (k === undefined)
        return undefined;
    if (typeof k !== 'string' || k.length < 1 || k.length > 255) {
        throw new EnvoiError('VALIDATION_FAILED', 'idempotencyKey must be a string of 1 to 255 characters', { details: [{ path: '/idempotencyKey', message: 'must be 1 to 255 characters' }] });
    }
    return k;
}
/** Workflow actions: validate, preview and execute; each handler parses, calls actions/run.ts, returns. */
export function actionRoutes(envoi) {
    const r = Router({ mergeParams: true });
    const inputOf = (req) => (req.body ?? {}).input ?? {};
    r.post('/:action/validate', route(async (req) => {
        authorize(req, 'builder', String(req.params.scope));
        return validateAction(envoi, String(req.params.scope), String(req.params.action), inputOf(req));
    }));
    r.post('/:action/preview', route(async (req) => {
        authorize(req, 'builder', String(req.params.scope));
        return previewAction(envoi, String(req.params.scope), String(req.params.action), inputOf(req));
    }));
    r.post('/:action/execute', route(async (req, res) => {
        authorize(req, 'runtime', String(req.params.scope));
        const wait = waitSeconds(req);
        const key = idempotencyKey(req, (req.body ?? {}));
        const out = await executeAction(envoi, String(req.params.scope), String(req.params.action), inputOf(req), { idempotencyKey: key, waitMs: wait * 1000 });
        res.status(out.status).json(out.body);
    }));
    return r;
}
export const actionList = () => [...ACTIONS.values()].map((a) => ({ key: a.key, version: a.version, title: a.title, description: a.description }));
//# sourceMappingURL=actions.js.map