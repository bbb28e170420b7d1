import { Router } from 'express';
import { EnvoiError } from '../../connector/errors.js';
import { validate } from '../../schemas/validator.js';
import { authorize, route } from '../auth.js';
/** API keys: platform admins create (shown once), list (no key material) and revoke them. */
export function keyRoutes(envoi) {
    const r = Router();
    r.post('/', route(async (req, res) => {
        authorize(req, 'admin', 'platform');
        const input = validate('key-request', req.body ?? {});
        const created = await envoi.keys.create(input);
        envoi.logger.info('api key created', { keyId: created.id, role: created.role, scope: created.scope, principal: req.principal?.keyId });
        res.status(201).json(created);
    }));
    r.get('/', route(async (req) => {
        authorize(req, 'admin', 'platform');
        return { items: await envoi.keys.list() };
    }));
    r.delete('/:id', route(async (req, res) => {
        authorize(req, 'admin', 'platform');
        if (!(await envoi.keys.revoke(String(req.params.id))))
            throw new EnvoiError('NOT_FOUND', `No API key ${req.params.id}`);
        res.status(204).end();
    }));
    return r;
}
//# sourceMappingURL=keys.js.map