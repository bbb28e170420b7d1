import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

export { deliveryView, type DeliveryDetail, type DeliveryView } from '../../lib/operations/deliveries.js';

/** The delivery log: list (newest first), one with its attempts, and retry of a failed one. */
export function deliveryRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const scopeOf = (req: Request) => String(req.params.scope);
  const text = (v: unknown) => (v === undefined ? undefined : String(v));

  r.get('/', route(async (req) => {
    authorize(req, 'runtime', scopeOf(req));
    return envoi.deliveries.list(scopeOf(req), { status: text(req.query.status), event: text(req.query.event), limit: text(req.query.limit), cursor: text(req.query.cursor) });
  }));

  r.get('/:id', route(async (req) => {
    authorize(req, 'runtime', scopeOf(req));
    return envoi.deliveries.get(scopeOf(req), String(req.params.id));
  }));

  r.post('/:id/retry', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return envoi.deliveries.retry(scopeOf(req), String(req.params.id), { by: req.principal?.keyId });
  }));
  return r;
}
