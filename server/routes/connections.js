import { Router } from 'express';
import { EnvoiError } from '../../connector/errors.js';
import { LOCALES, pickLocale } from '../../connector/locales.js';
import { sendTestEmail } from '../../connector/test-email.js';
import { validate } from '../../schemas/validator.js';
import { authorize, route } from '../auth.js';
const body = (req) => {
    const b = req.body;
    if (b === undefined)
        return {};
    if (!b || typeof b !== 'object' || Array.isArray(b)) {
        throw new EnvoiError('VALIDATION_FAILED', 'The request body must be a JSON object', { details: [{ path: '/', message: 'must be an object' }] });
    }
    return b;
};
/** Connections of a scope: list, create, read, edit, delete, default, test, test mail. */
export function connectionRoutes(envoi) {
    const r = Router({ mergeParams: true });
    const svc = envoi.connections;
    const scopeOf = (req) => String(req.params.scope);
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
        if (result.ok && basedOn)
            await svc.passedTest(draft);
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
        if (result.ok)
            await svc.passedTest(conn, conn);
        return result;
    }));
    // The test mail takes the same path as every mail (outbox → worker → provider) with a single
    // attempt, so it reports what went wrong instead of retrying in the background.
    r.post('/:id/test-email', route(async (req, res) => {
        const scope = scopeOf(req);
        authorize(req, 'admin', scope);
        const input = validate('test-email-request', body(req));
        const locale = pickLocale(input.locale, req.acceptsLanguages(...LOCALES));
        try {
            const { queued, ...result } = await sendTestEmail(envoi, scope, String(req.params.id), input.to, locale);
            if (queued)
                res.status(202);
            return result;
        }
        catch (err) {
            // RFC 9110 §10.2.3: the seconds until a test mail is accepted again.
            if (err instanceof EnvoiError && err.code === 'RATE_LIMITED')
                res.set('Retry-After', String(err.extra?.retryAfterSeconds ?? 60));
            throw err;
        }
    }));
    return r;
}
//# sourceMappingURL=connections.js.map