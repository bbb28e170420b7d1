import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

export { deliveryView, type DeliveryDetail, type DeliveryView } from '../../lib/operations/deliveries.js';

/** The delivery log: list (newest first, searchable), counts over time, one with its attempts, and retry of a failed one. */
export function deliveryRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const scopeOf = (req: Request) => String(req.params.scope);
  const text = (v: unknown) => (v === undefined ? undefined : String(v));

  r.get('/', route(async (req) => {
    authorize(req, 'runtime', scopeOf(req));
    const q = req.query;
    return envoi.deliveries.list(scopeOf(req), {
      status: text(q.status), event: text(q.event), recipient: text(q.recipient), subject: text(q.subject), since: text(q.since), until: text(q.until), limit: text(q.limit), cursor: text(q.cursor),
    });
  }));

  // Before '/:id', which would take "stats" for an id.
  r.get('/stats', route(async (req) => {
    authorize(req, 'runtime', scopeOf(req));
    return envoi.deliveries.stats(scopeOf(req), { since: text(req.query.since), until: text(req.query.until), bucket: text(req.query.bucket) });
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
