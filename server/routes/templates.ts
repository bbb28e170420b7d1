import { Router, type Request } from 'express';
import type { Envoi } from '../../lib/envoi.js';
import { templateTarget } from '../../lib/operations/templates.js';
import { authorize, route } from '../auth.js';

/** A scope's own subject/html/text of a system mail, per action and locale, and a preview of an unsaved one. */
export function templateRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  // The path is checked first (404 for a template that does not exist), then who asks.
  const target = (req: Request) => templateTarget(String(req.params.scope), String(req.params.action), String(req.params.locale));

  r.get('/:action/:locale', route(async (req) => {
    const t = target(req);
    authorize(req, 'builder', t.scope);
    return envoi.templates.get(t.scope, t.action, t.locale);
  }));

  r.put('/:action/:locale', route(async (req) => {
    const t = target(req);
    authorize(req, 'admin', t.scope);
    const saved = await envoi.templates.put(t.scope, t.action, t.locale, req.body ?? {});
    envoi.core.logger.info('template saved', { ...t, principal: req.principal?.keyId });
    return saved;
  }));

  // The template as it is being edited, rendered with the input given: nothing saved or sent.
  r.post('/:action/:locale/preview', route(async (req) => {
    const t = target(req);
    authorize(req, 'admin', t.scope);
    return envoi.templates.preview(t.scope, t.action, t.locale, req.body ?? {});
  }));

  r.delete('/:action/:locale', route(async (req, res) => {
    const t = target(req);
    authorize(req, 'admin', t.scope);
    await envoi.templates.delete(t.scope, t.action, t.locale);
    res.status(204).end();
  }));
  return r;
}
