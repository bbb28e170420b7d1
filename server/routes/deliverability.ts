import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

const scopeOf = (req: Request) => String(req.params.scope);

/** A scope's DKIM keys: admins only (the record to publish is theirs to act on). */
export function dkimKeyRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  r.get('/', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return envoi.dkimKeys.list(scopeOf(req), { domain: req.query.domain === undefined ? undefined : String(req.query.domain) });
  }));
  r.post('/', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    res.status(201).json(await envoi.dkimKeys.create(scopeOf(req), req.body));
  }));
  r.delete('/:id', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    await envoi.dkimKeys.remove(scopeOf(req), String(req.params.id));
    res.status(204).end();
  }));
  return r;
}

/** A sender domain's SPF, DKIM, DMARC and MX, judged for the scope's connections. */
export function domainRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  r.get('/:domain/check', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return envoi.domains.check(scopeOf(req), String(req.params.domain));
  }));
  return r;
}
