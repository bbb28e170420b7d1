import { Router, type Request } from 'express';
import type { ActionContext } from '../../actions/define.js';
import { ACTIONS, getAction } from '../../actions/registry.js';
import type { Envoi } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { check, validateOrThrow } from '../../schemas/validator.js';
import { authorize, route } from '../auth.js';

const MAX_WAIT_S = 60;

/** Reads `?wait=S`: seconds to wait for the first attempt, 0 to answer at once. */
function waitSeconds(req: Request): number {
  if (req.query.wait === undefined) return 0;
  const s = Number(req.query.wait);
  if (!Number.isFinite(s) || s < 0 || s > MAX_WAIT_S) {
    throw new EnvoiError('VALIDATION_FAILED', `wait must be a number of seconds from 0 to ${MAX_WAIT_S}`, { details: [{ path: '/wait', message: `must be from 0 to ${MAX_WAIT_S}` }] });
  }
  return s;
}

/** Reads the idempotency key from the body or the Idempotency-Key header. */
function idempotencyKey(req: Request, body: Record<string, unknown>): string | undefined {
  const k = body.idempotencyKey ?? req.get('idempotency-key');
  if (k === undefined) return undefined;
  if (typeof k !== 'string' || k.length < 1 || k.length > 255) {
    throw new EnvoiError('VALIDATION_FAILED', 'idempotencyKey must be a string of 1 to 255 characters', { details: [{ path: '/idempotencyKey', message: 'must be 1 to 255 characters' }] });
  }
  return k;
}

/** Workflow actions: the list, and execute. */
export function actionRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const ctxFor = (req: Request, key?: string): ActionContext => ({
    scope: String(req.params.scope),
    connections: envoi.connections,
    outbox: envoi.outbox,
    mailer: envoi.mailer,
    templates: envoi.templates,
    pool: envoi.pool,
    maxMessageBytes: envoi.config.maxMessageBytes,
    idempotencyKey: key,
    maxAttempts: envoi.config.maxAttempts,
  });
  const inputOf = (req: Request): unknown => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return body.input ?? {};
  };

  // Validate: the schema, then everything execute would check (addresses, templates with line
  // and column, the named connection), reported as a list instead of an error.
  r.post('/:action/validate', route(async (req) => {
    const scope = String(req.params.scope);
    authorize(req, 'builder', scope);
    const action = getAction(String(req.params.action));
    const input = inputOf(req);
    const schema = check(action.inputSchema, input);
    if (!schema.valid) return { valid: false, errors: schema.errors };
    try {
      await action.preview(ctxFor(req), input);
      return { valid: true, errors: [] };
    } catch (err) {
      if (!(err instanceof EnvoiError) || err.status >= 500) throw err;
      return { valid: false, errors: err.details ?? [{ path: '/', message: err.message }], error: err.toBody() };
    }
  }));

  r.post('/:action/preview', route(async (req) => {
    const scope = String(req.params.scope);
    authorize(req, 'builder', scope);
    const action = getAction(String(req.params.action));
    const input = validateOrThrow(action.inputSchema, inputOf(req), `${action.key} input`);
    return action.preview(ctxFor(req), input);
  }));

  r.post('/:action/execute', route(async (req, res) => {
    const scope = String(req.params.scope);
    authorize(req, 'runtime', scope);
    const action = getAction(String(req.params.action));
    const wait = waitSeconds(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const key = idempotencyKey(req, body);
    const input = validateOrThrow(action.inputSchema, body.input ?? {}, `${action.key} input`);
    const result = await action.execute(ctxFor(req, key), input);
    if (action.executeStatus === 200) {
      res.status(200).json(result);
      return;
    }
    const out = result as { deliveryId: string; status: string };
    if (wait > 0) {
      // Ended in any way (sent, failed, retrying, unknown, waiting on a broken connection): say so at once.
      const w = await envoi.outbox.waitForFirstAttempt(out.deliveryId, wait * 1000);
      if (w?.ended) {
        const d = w.delivery;
        res.status(200).json({ deliveryId: d.id, status: d.status, messageId: d.messageId, accepted: d.accepted ?? [], rejected: d.rejected ?? [], ...(w.error ? { error: w.error } : {}) });
        return;
      }
      if (w) out.status = w.delivery.status;
    }
    res.status(202).json(out);
  }));
  return r;
}

export const actionList = () => [...ACTIONS.values()].map((a) => ({ key: a.key, version: a.version, title: a.title, description: a.description }));
