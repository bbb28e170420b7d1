import crypto from 'node:crypto';
import { EnvoiError } from '../errors.js';
export const ROLES = ['admin', 'builder', 'runtime'];
/** Keys are 192 random bits, so a fast hash is enough: there is nothing to brute-force. */
export const hashKey = (key) => crypto.createHash('sha256').update(key, 'utf8').digest('hex');
/** API keys, stored hashed; the key itself is shown once, at creation. */
export class KeyStore {
    knex;
    constructor(knex) {
        this.knex = knex;
    }
    async create(input) {
        if (!ROLES.includes(input.role)) {
            throw new EnvoiError('VALIDATION_FAILED', `"${input.role}" is not a role`, { details: [{ path: '/role', message: `must be one of ${ROLES.join(', ')}` }] });
        }
        const key = `envoi_${crypto.randomBytes(24).toString('base64url')}`;
        const record = {
            id: crypto.randomUUID(),
            prefix: key.slice(0, 12),
            role: input.role,
            scope: input.scope,
            label: input.label ?? null,
            createdAt: new Date().toISOString(),
            lastUsedAt: null,
        };
        await this.knex('api_keys').insert({
            id: record.id,
            key_hash: hashKey(key),
            prefix: record.prefix,
            role: record.role,
            scope: record.scope,
            label: record.label,
            created_at: record.createdAt,
        });
        return { ...record, key };
    }
    /** The principal of a key, or undefined for an unknown or revoked key. */
    async authenticate(key) {
        const row = await this.knex('api_keys').where({ key_hash: hashKey(key) }).whereNull('revoked_at').first();
        if (!row)
            return undefined;
        return { keyId: row.id, role: row.role, scope: row.scope, label: row.label };
    }
    async list() {
        const rows = await this.knex('api_keys').whereNull('revoked_at').orderBy('created_at');
        return rows.map((r) => ({
            id: r.id,
            prefix: r.prefix,
            role: r.role,
            scope: r.scope,
            label: r.label ?? null,
            createdAt: r.created_at,
            lastUsedAt: r.last_used_at ?? null,
        }));
    }
    async revoke(id) {
        const n = await this.knex('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
        return n === 1;
    }
}
//# sourceMappingURL=keys.js.map