import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { EnvoiError } from './errors.js';
/**
 * Whether a typed host is an allowed endpoint. With a target (saving or testing a
 * configuration), the port, scope and connection must match too. Without one (the send-time
 * re-check of an already saved host, which the provider makes to catch DNS changes) only the
 * literal address counts: the port and the connection were held to the exception when saved.
 */
function isException(policy, host, target) {
    const bare = host.replace(/^\[|\]$/g, '');
    return (policy.allowedEndpoints ?? []).some((e) => e.address === bare &&
        (target === undefined ||
            (e.port === target.port && (e.scope === undefined || e.scope === target.scope) && (e.connectionId === undefined || e.connectionId === target.id))));
}
/** The system resolver (getaddrinfo, so /etc/hosts counts), all addresses. */
export const systemLookup = async (host) => {
    const found = await dns.promises.lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
};
/** True for addresses on the public internet: no loopback, private, link-local, CGNAT, … */
export function isPublicAddress(address) {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && parsed.isIPv4MappedAddress()) {
        parsed = parsed.toIPv4Address();
    }
    return parsed.range() === 'unicast';
}
/** Throws PORT_NOT_ALLOWED unless the port is in ENVOI_ALLOWED_PORTS. */
export function assertPortAllowed(port, policy, host, target) {
    if (!policy.allowedPorts.has(port) && !(host !== undefined && target !== undefined && isException(policy, host, { ...target, port }))) {
        throw new EnvoiError('PORT_NOT_ALLOWED', `Port ${port} is not allowed; this server allows ${policy.allowedPorts.text}`, {
            details: [{ path: '/port', message: `must be one of ${policy.allowedPorts.text}` }],
        });
    }
}
function refuse(host, address) {
    const shown = host === address ? address : `${host} (${address})`;
    throw new EnvoiError('HOST_NOT_ALLOWED', `${shown} is a loopback, private or link-local address, which connections may not use`, {
        details: [{ path: '/host', message: 'resolves to a non-public address' }],
    });
}
/** Vets a literal IP address now; names are vetted after resolution by `resolveAndVet`. */
export function assertLiteralHostAllowed(host, policy, target) {
    const bare = host.replace(/^\[|\]$/g, '');
    if (!policy.allowPrivateHosts && net.isIP(bare) && !isPublicAddress(bare) && !isException(policy, bare, target))
        refuse(host, bare);
}
/**
 * Resolves a host and vets every address: one bad address refuses the host, since a resolver
 * may hand the addresses back in any order. Resolution failures are returned (the caller
 * decides whether that is a warning or a failed test); policy violations throw HOST_NOT_ALLOWED.
 * IPv4 addresses come first: mail servers reachable over IPv6 only are rare, broken IPv6 is not.
 */
export async function resolveAndVet(host, policy, options = {}) {
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses;
    if (net.isIP(bare)) {
        addresses = [bare];
    }
    else {
        const lookup = options.lookup ?? systemLookup;
        try {
            addresses = await withTimeout(lookup(bare), options.timeoutMs ?? 10_000, `DNS lookup of ${bare} took too long`);
        }
        catch (error) {
            return { ok: false, error: error };
        }
        if (addresses.length === 0)
            return { ok: false, error: Object.assign(new Error(`${bare} has no address`), { code: 'ENODATA' }) };
    }
    if (!policy.allowPrivateHosts) {
        const literal = net.isIP(bare) !== 0;
        for (const a of addresses)
            if (!isPublicAddress(a) && !(literal && isException(policy, bare, options.target)))
                refuse(bare, a);
    }
    const v4 = addresses.filter((a) => net.isIPv4(a));
    const v6 = addresses.filter((a) => !net.isIPv4(a));
    return { ok: true, addresses: [...v4, ...v6] };
}
function withTimeout(p, ms, message) {
    let timer;
    return Promise.race([
        p.finally(() => clearTimeout(timer)),
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEOUT' })), ms);
        }),
    ]);
}
//# sourceMappingURL=network-policy.js.map