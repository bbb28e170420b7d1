import { Router, type Request } from 'express';
import type { Envoi } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { LOCALES, pickLocale } from '../../connector/locales.js';
import { buildTestEmail } from '../../connector/test-email.js';
import type { TestEmailRequest } from '../../schemas/types.js';
import { validateOrThrow } from '../../schemas/validator.js';
import { authorize, route } from '../auth.js';

const TEST_EMAIL_WAIT_MS = 60_000;

// The stage each failure code belongs to, for a test mail's answer.
const STAGE_OF = {
  DNS_LOOKUP_FAILED: 'dns', CONNECTION_REFUSED: 'connect', CONNECTION_TIMEOUT: 'connect', TLS_FAILED: 'tls', STARTTLS_UNAVAILABLE: 'tls',
  AUTH_FAILED: 'auth', AUTH_METHOD_UNSUPPORTED: 'auth', OAUTH_FAILED: 'auth', HOST_NOT_ALLOWED: 'dns',
} as const;

const body = (req: Request): Record<string, unknown> => {
  const b: unknown = req.body;
  if (b === undefined) return {};
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw new EnvoiError('VALIDATION_FAILED', 'The request body must be a JSON object', { details: [{ path: '/', message: 'must be an object' }] });
  }
  return b as Record<string, unknown>;
};

/** Connections of a scope: list, create, read, edit, delete, default, test, test mail. */
export function connectionRoutes(envoi: Envoi): Router {
  const r = Router({ mergeParams: true });
  const svc = envoi.connections;
  const scopeOf = (req: Request) => String(req.params.scope);

  r.get('/', route(async (req) => {
    authorize(req, 'builder', scopeOf(req));
    return { items: (await svc.list(scopeOf(req))).map((c) => svc.view(c)) };
  }));

  r.post('/', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    const { connection, warnings } = await svc.create(scopeOf(req), body(req));
    envoi.logger.info('connection created', { scope: connection.scope, connectionId: connection.id, principal: req.principal?.keyId });
    res.status(201).location(`${req.baseUrl}/${connection.id}`).json(svc.view(connection, warnings));
  }));

  // Before '/:id' routes: tests an unsaved configuration. With `id`, a saved connection's
  // stored secret fills in a password left empty (the edit form's "leave empty to keep").
  r.post('/test', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    const b = body(req);
    const basedOn = typeof b.id === 'string' ? b.id : undefined;
    const draft = await svc.draft(scopeOf(req), b, basedOn);
    const result = await envoi.mailer.test(draft);
    if (result.ok && basedOn) await svc.passedTest(draft);
    return result;
  }));

  r.get('/:id', route(async (req) => {
    authorize(req, 'builder', scopeOf(req));
    return svc.view(await svc.get(scopeOf(req), String(req.params.id)));
  }));

  r.patch('/:id', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    const { connection, warnings } = await svc.update(scopeOf(req), String(req.params.id), body(req));
    envoi.logger.info('connection updated', { scope: connection.scope, connectionId: connection.id, version: connection.version, principal: req.principal?.keyId });
    return svc.view(connection, warnings);
  }));

  r.delete('/:id', route(async (req, res) => {
    authorize(req, 'admin', scopeOf(req));
    await svc.delete(scopeOf(req), String(req.params.id));
    envoi.logger.info('connection deleted', { scope: scopeOf(req), connectionId: req.params.id, principal: req.principal?.keyId });
    res.status(204).end();
  }));

  r.post('/:id/default', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    return svc.view(await svc.makeDefault(scopeOf(req), String(req.params.id)));
  }));

  r.post('/:id/test', route(async (req) => {
    authorize(req, 'admin', scopeOf(req));
    const conn = await svc.withSecrets(await svc.get(scopeOf(req), String(req.params.id)));
    const result = await envoi.mailer.test(conn);
    if (result.ok) await svc.passedTest(conn, conn);
    return result;
  }));

  // The test mail takes the same path as every mail (outbox → worker → provider) with a single
  // attempt, so it reports what went wrong instead of retrying in the background.
  r.post('/:id/test-email', route(async (req, res) => {
    const scope = scopeOf(req);
    authorize(req, 'admin', scope);
    const input = validateOrThrow<TestEmailRequest>('test-email-request.schema.json', body(req), 'test email request');
    const conn = await svc.get(scope, String(req.params.id));
    await envoi.mailer.preflight(conn);
    const locale = pickLocale(input.locale, req.acceptsLanguages(...LOCALES));
    const message = buildTestEmail(conn, input.to, locale);
    const { delivery } = await envoi.outbox.enqueue({ scope, connection: conn, action: 'test-email', mail: envoi.mailer.envelopeFor(conn, message), maxAttempts: 1 });
    const d = (await envoi.outbox.waitForAttempt(delivery.id, TEST_EMAIL_WAIT_MS))!;
    const common = { deliveryId: d.id, locale, subject: message.subject, messageId: d.messageId };
    if (d.status === 'sent') {
      return { ok: true, stage: 'done', message: `The test email was accepted for ${(d.accepted ?? []).join(', ')}`, durationMs: Date.now() - Date.parse(d.createdAt), accepted: d.accepted, rejected: d.rejected, response: d.response, ...common };
    }
    if (d.status === 'failed' && d.lastError) {
      const e = d.lastError;
      const stage = e.code in STAGE_OF ? STAGE_OF[e.code as keyof typeof STAGE_OF] : 'send';
      return { ok: false, stage, code: e.code, message: e.message, hint: e.hint, durationMs: Date.now() - Date.parse(d.createdAt), ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.reply ? { reply: e.reply } : {}), ...common };
    }
    res.status(202).json({ ...common, status: d.status, message: 'The test email is queued but no delivery worker has tried it yet', hint: 'Check that a worker runs (npm start runs one; npm run worker runs more); the delivery log shows what happens next.' });
    return undefined;
  }));

  return r;
}
