import { classifySmtpError } from './classify-smtp.js';
import { resolveAndVet } from '../../network-policy.js';
/**
 * Resolves a connection's host and vets its addresses against the network policy. A failed lookup
 * comes back as a classified failure (code EDNS), like any other stage's; an address the policy
 * refuses throws HOST_NOT_ALLOWED.
 */
export async function vettedAddresses(conn, reach) {
    const s = conn.settings;
    const r = await resolveAndVet(s.host, reach.policy, { lookup: reach.lookup, timeoutMs: reach.config.smtpTimeouts.dns });
    if (r.ok)
        return r;
    return { ok: false, failure: classifySmtpError(Object.assign(r.error, { code: 'EDNS', originalCode: r.error.code ?? 'ENOTFOUND' }), { host: s.host, port: s.port, secure: !!s.secure }) };
}
//# sourceMappingURL=smtp-host.js.map