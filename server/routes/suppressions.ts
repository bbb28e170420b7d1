import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

/** A scope's suppression list: the runtime reads it; admins add and remove addresses. */
export function suppressionRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const scopeOf = (req: Request) => String(req.params.scope);
  const text = (v: unknown) => (v === undefined ? undefined : String(v));

  r.get('/', route(async (req) => {
    authorize(req, 'runtime', scopeOf(req));
    const q = req.query;
    return envoi.suppressions.list(scopeOf(req), { email: text(q.email), reason: text(q.reason), limit: text(q.limit), cursor: text(q.cursor) });
  }));
  r.post('/', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    res.status(201).json(await envoi.suppressions.add(scopeOf(req), req.body));
  }));
  r.delete('/:email', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    await envoi.suppressions.remove(scopeOf(req), String(req.params.email));
    res.status(204).end();
  }));
  return r;
}
