import { Router } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

/** API keys: platform admins create (shown once), list (no key material) and revoke them. */
export function keyRoutes(envoi: Envoi): Router {
  const r = Router();
  r.post('/', route(async (req, res) => {
    authorize(req, 'admin', 'platform');
    const created = await envoi.keys.create(req.body ?? {});
    envoi.core.logger.info('api key created', { keyId: created.id, role: created.role, scope: created.scope, principal: req.principal?.keyId });
    res.status(201).json(created);
  }));
  r.get('/', route(async (req) => {
    authorize(req, 'admin', 'platform');
    return { items: await envoi.keys.list() };
  }));
  r.delete('/:id', route(async (req, res) => {
    authorize(req, 'admin', 'platform');
    await envoi.keys.revoke(String(req.params.id));
    res.status(204).end();
  }));
  return r;
}
