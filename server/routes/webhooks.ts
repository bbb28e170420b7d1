import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

/** A scope's webhook endpoints (admin): list, create, edit, delete, rotate the secret, test, messages. */
export function webhookRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const scopeOf = (req: Request) => String(req.params.scope);
  const admin = (req: Request) => authorize(req, 'admin', scopeOf(req));
  const id = (req: Request) => String(req.params.id);
  const text = (v: unknown) => (v === undefined ? undefined : String(v));
  const by = (req: Request) => ({ scope: scopeOf(req), principal: req.principal?.keyId });

  r.get('/', route(async (req) => {
    admin(req);
    return envoi.webhooks.list(scopeOf(req));
  }));

  r.post('/', route(async (req, res) => {
    admin(req);
    const created = await envoi.webhooks.create(scopeOf(req), req.body);
    envoi.core.logger.info('webhook endpoint created', { ...by(req), endpointId: created.id });
    res.status(201).location(`${req.baseUrl}/${created.id}`);
    return created;
  }));

  r.get('/:id', route(async (req) => {
    admin(req);
    return envoi.webhooks.get(scopeOf(req), id(req));
  }));

  r.patch('/:id', route(async (req) => {
    admin(req);
    const updated = await envoi.webhooks.update(scopeOf(req), id(req), req.body);
    envoi.core.logger.info('webhook endpoint changed', { ...by(req), endpointId: updated.id });
    return updated;
  }));

  r.delete('/:id', route(async (req, res) => {
    admin(req);
    await envoi.webhooks.delete(scopeOf(req), id(req));
    envoi.core.logger.info('webhook endpoint deleted', { ...by(req), endpointId: id(req) });
    res.status(204).end();
  }));

  r.post('/:id/rotate-secret', route(async (req) => {
    admin(req);
    const rotated = await envoi.webhooks.rotateSecret(scopeOf(req), id(req));
    envoi.core.logger.info('webhook secret rotated', { ...by(req), endpointId: rotated.id });
    return rotated;
  }));

  r.post('/:id/test', route(async (req, res) => {
    admin(req);
    res.status(202);
    return envoi.webhooks.test(scopeOf(req), id(req));
  }));

  r.get('/:id/messages', route(async (req) => {
    admin(req);
    return envoi.webhooks.messages(scopeOf(req), id(req), { limit: text(req.query.limit), cursor: text(req.query.cursor) });
  }));
  return r;
}
