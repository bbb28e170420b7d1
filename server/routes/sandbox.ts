import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';

const scopeOf = (req: Request) => String(req.params.scope);
const text = (v: unknown) => (v === undefined ? undefined : String(v));

/** A scope's settings (its sandbox): builders read them, admins change them. */
export function settingsRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  r.get('/', route(async (req) => {
    authorize(req, 'builder', scopeOf(req));
    return envoi.sandbox.settings(scopeOf(req));
  }));
  r.put('/', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return envoi.sandbox.putSettings(scopeOf(req), req.body);
  }));
  return r;
}

/** The mail a scope's sandbox captured (admins only: it holds the messages themselves). */
export function mailboxRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  r.get('/', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return envoi.sandbox.mailbox(scopeOf(req), { limit: text(req.query.limit), cursor: text(req.query.cursor) });
  }));
  r.get('/:id', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return envoi.sandbox.mail(scopeOf(req), String(req.params.id));
  }));
  r.delete('/', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    await envoi.sandbox.clearMailbox(scopeOf(req));
    res.status(204).end();
  }));
  return r;
}
