import { Router, type Request } from 'express';
import { EnvoiError } from '../../connector/errors.js';
import { LOCALES } from '../../connector/locales.js';
import type { Envoi } from '../../lib/envoi.js';
import { authorize, route } from '../auth.js';
import { answerTest } from '../stage-stream.js';

export type { ConnectionList, TestEmailResult } from '../../lib/operations/connections.js';

/** Connections of a scope: list, create, read, edit, delete, default, test, test mail. */
export function connectionRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const ops = envoi.connections;
  const log = envoi.core.logger;
  const scopeOf = (req: Request) => String(req.params.scope);
  // Words for people (messages, hints, warnings) in the admin's language (RFC 9110 §12.5.4).
  const words = (req: Request) => ({ acceptLanguage: req.acceptsLanguages(...LOCALES) });

  r.get('/', route(async (req) => {
    authorize(req, 'builder', scopeOf(req));
    return ops.listWithDefault(scopeOf(req), words(req));
  }));

  r.post('/', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    const view = await ops.create(scopeOf(req), req.body, words(req));
    log.info('connection created', { scope: view.scope, connectionId: view.id, principal: req.principal?.keyId });
    res.status(201).location(`${req.baseUrl}/${view.id}`).json(view);
  }));

  // Before '/:id' routes: tests an unsaved configuration. With `id`, a saved connection's
  // stored secret fills in a password left empty (the edit form's "leave empty to keep").
  // Both tests stream their stages to a client that accepts NDJSON (stage-stream.ts).
  r.post('/test', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    const input = (req.body ?? {}) as Record<string, unknown>;
    return answerTest(req, res, (onStage) => ops.test(scopeOf(req), input, { ...words(req), onStage }));
  }));

  r.get('/:id', route(async (req) => {
    authorize(req, 'builder', scopeOf(req));
    return ops.get(scopeOf(req), String(req.params.id), words(req));
  }));

  r.patch('/:id', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    const view = await ops.update(scopeOf(req), String(req.params.id), req.body, words(req));
    log.info('connection updated', { scope: view.scope, connectionId: view.id, version: view.version, principal: req.principal?.keyId });
    return view;
  }));

  r.delete('/:id', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    await ops.delete(scopeOf(req), String(req.params.id));
    log.info('connection deleted', { scope: scopeOf(req), connectionId: req.params.id, principal: req.principal?.keyId });
    res.status(204).end();
  }));

  r.post('/:id/default', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return ops.makeDefault(scopeOf(req), String(req.params.id), words(req));
  }));

  r.post('/:id/test', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    return answerTest(req, res, (onStage) => ops.test(scopeOf(req), String(req.params.id), { ...words(req), onStage }));
  }));

  // The test mail takes the same path as every mail (outbox → worker → provider) with a single
  // attempt, so it reports what went wrong instead of retrying in the background.
  r.post('/:id/test-email', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    try {
      const { queued, ...result } = await ops.testEmail(scopeOf(req), String(req.params.id), req.body, words(req));
      if (queued) res.status(202);
      return result;
    } catch (err) {
      // RFC 9110 §10.2.3: the seconds until a test mail is accepted again.
      if (err instanceof EnvoiError && err.code === 'RATE_LIMITED') res.set('Retry-After', String(err.extra?.retryAfterSeconds ?? 60));
      throw err;
    }
  }));

  return r;
}
