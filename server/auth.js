import crypto from 'node:crypto';
import { EnvoiError } from '../connector/errors.js';
import { hashKey } from '../connector/store/keys.js';
/** Reads `Authorization: Bearer <key>` and attaches the key's principal, or answers 401. */
export function authenticate(envoi) {
    const adminHash = envoi.config.adminKey ? Buffer.from(hashKey(envoi.config.adminKey), 'hex') : undefined;
    return async (req, _res, next) => {
        try {
            const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
            if (!m)
                throw new EnvoiError('UNAUTHORIZED', 'This request needs an API key');
            const key = m[1];
            if (adminHash && crypto.timingSafeEqual(Buffer.from(hashKey(key), 'hex'), adminHash)) {
                req.principal = { keyId: 'env:ENVOI_ADMIN_KEY', role: 'admin', scope: 'platform' };
            }
            else {
                const principal = await envoi.keys.authenticate(key);
                if (!principal)
                    throw new EnvoiError('UNAUTHORIZED', 'The API key is unknown or was revoked', { hint: 'Check the key, or ask an admin for a new one.' });
                req.principal = principal;
            }
            next();
        }
        catch (err) {
            next(err);
        }
    };
}
// An admin may do what a builder or the runtime may; builder and runtime are separate.
const GRANTS = { admin: ['admin', 'builder', 'runtime'], builder: ['builder'], runtime: ['runtime'] };
/** Throws FORBIDDEN unless the request's key has `role` (or admin) in `scope` (or platform). */
export function authorize(req, role, scope) {
    const p = req.principal;
    if (!p)
        throw new EnvoiError('UNAUTHORIZED', 'This request needs an API key');
    if (!GRANTS[p.role].includes(role)) {
        throw new EnvoiError('FORBIDDEN', `A ${p.role} key cannot do this; it needs the ${role} role`, { hint: `Use a key with the ${role} role (admins can create one).` });
    }
    if (scope !== undefined && p.scope !== 'platform' && p.scope !== scope) {
        throw new EnvoiError('FORBIDDEN', `This key belongs to scope "${p.scope}" and cannot act in "${scope}"`, { hint: `Use a key of scope "${scope}" or a platform key.` });
    }
    return p;
}
/** Express 5 forwards rejected promises to the error handler; this keeps handlers one-liners. */
export const route = (fn) => async (req, res, next) => {
    try {
        const out = await fn(req, res);
        if (out !== undefined && !res.headersSent)
            res.json(out);
    }
    catch (err) {
        next(err);
    }
};
//# sourceMappingURL=auth.js.map