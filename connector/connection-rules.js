import { validate } from '../schemas/validator.js';
import { warningsFor } from './connection-warnings.js';
import { EnvoiError } from './errors.js';
import { DEFAULT_PROVIDER, providerOf } from './providers/registry.js';
export const PLATFORM_SCOPE = 'platform';
const TENANT_SCOPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const READ_ONLY = ['id', 'scope', 'hasSecret', 'version', 'createdAt', 'updatedAt', 'warnings'];
/** Throws NOT_FOUND-style VALIDATION_FAILED for a scope that is neither `platform` nor a tenant id. */
export function assertScope(scope) {
    if (scope !== PLATFORM_SCOPE && !TENANT_SCOPE.test(scope)) {
        throw new EnvoiError('VALIDATION_FAILED', `"${scope}" is not a scope`, {
            hint: 'A scope is "platform" or a tenant id of lower-case letters, digits and dashes (up to 63).',
            details: [{ path: '/scope', message: 'must be "platform" or match ^[a-z0-9][a-z0-9-]{0,62}$' }],
        });
    }
}
function pick(obj, keys) {
    return Object.fromEntries(Object.entries(obj).filter(([k, v]) => keys.includes(k) && v !== undefined));
}
/**
 * Validates and normalizes a full connection object (create, or an update merged over the
 * stored one): applies the provider's defaults, drops the fields of other providers, checks the policy.
 */
export async function normalizeConnection(input, ctx) {
    const body = Object.fromEntries(Object.entries(input).filter(([k, v]) => !READ_ONLY.includes(k) && v !== null));
    const c = validate('connection', body);
    const provider = c.provider ?? DEFAULT_PROVIDER;
    const p = providerOf(provider);
    const common = pick(c, ['senderEmail', 'senderName', 'replyTo', 'rateLimit', 'pool']);
    // Only the provider's own fields are kept: those of another provider are dropped.
    const own = await p.normalize(pick(c, p.fields), ctx);
    const settings = { ...common, ...own.settings };
    const secret = c[p.secret(settings).field];
    const warnings = own.warnings;
    return { name: c.name.trim(), provider, settings, secret, isDefault: c.isDefault, fallback: c.fallback, warnings: [...warnings, ...warningsFor(provider, settings)] };
}
//# sourceMappingURL=connection-rules.js.map