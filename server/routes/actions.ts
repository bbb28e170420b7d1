import { Router, type Request } from 'express';
import { ACTIONS } from '../../actions/registry.js';
import type { Envoi } from '../../lib/envoi.js';
import { runExecute } from '../../lib/operations/actions.js';
import { authorize, route } from '../auth.js';

/** Workflow actions: validate, preview and execute; each handler authorizes, calls the operation, answers. */
export function actionRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const inputOf = (req: Request): unknown => body(req).input ?? {};

  r.post('/:action/validate', route(async (req) => {
    authorize(req, 'builder', String(req.params.scope));
    return envoi.actions.validate(String(req.params.scope), String(req.params.action), inputOf(req));
  }));

  r.post('/:action/preview', route(async (req) => {
    authorize(req, 'builder', String(req.params.scope));
    return envoi.actions.preview(String(req.params.scope), String(req.params.action), inputOf(req));
  }));

  // The idempotency key comes in the body or the Idempotency-Key header; `?wait=S` waits for the first attempt.
  r.post('/:action/execute', route(async (req, res) => {
    authorize(req, 'runtime', String(req.params.scope));
    const options = { idempotencyKey: body(req).idempotencyKey ?? req.get('idempotency-key'), wait: req.query.wait } as { idempotencyKey?: string; wait?: number };
    const out = await runExecute(envoi.core, String(req.params.scope), String(req.params.action), inputOf(req), options);
    res.status(out.status).json(out.body);
  }));
  return r;
}

export const actionList = () => [...ACTIONS.values()].map((a) => ({ key: a.key, version: a.version, title: a.title, description: a.description }));
