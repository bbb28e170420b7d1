import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { EnvoiError } from './errors.js';
import type { PortList } from './config.js';

/**
 * Where a connection may connect. An admin types a host name; Envoi resolves it once, vets
 * every address it gets, and connects to a vetted address (TLS still checks the typed name).
 * Checking the resolved addresses rather than the text means a DNS name that points at
 * 127.0.0.1 or 169.254.169.254 is refused just like the literal address.
 */
export interface NetworkPolicy {
  allowPrivateHosts: boolean;
  allowedPorts: PortList;
  /** Exact endpoints allowed besides the rules (demo mode's local capture server, for its own connection only). */
  allowedEndpoints?: ReadonlyArray<AllowedEndpoint>;
}

/**
 * One exception to the rules: this literal address on this port, for one scope's connection
 * (when named). A host *name* never matches one, so DNS cannot lead anyone else to it.
 */
export interface AllowedEndpoint {
  address: string;
  port: number;
  scope?: string;
  connectionId?: string;
}

/** The connection asking to connect (its scope and id), and to which port. */
export interface Target {
  port: number;
  scope: string;
  id: string;
}

/**
 * Whether a typed host is an allowed endpoint. With a target (saving or testing a
 * configuration), the port, scope and connection must match too. Without one (the send-time
 * re-check of an already saved host, which the provider makes to catch DNS changes) only the
 * literal address counts: the port and the connection were held to the exception when saved.
 */
function isException(policy: NetworkPolicy, host: string, target: Target | undefined): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return (policy.allowedEndpoints ?? []).some(
    (e) =>
      e.address === bare &&
      (target === undefined ||
        (e.port === target.port && (e.scope === undefined || e.scope === target.scope) && (e.connectionId === undefined || e.connectionId === target.id))),
  );
}

export type LookupAll = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), all addresses. */
export const systemLookup: LookupAll = async (host) => {
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
};

/** True for addresses on the public internet: no loopback, private, link-local, CGNAT, … */
export function isPublicAddress(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** Throws PORT_NOT_ALLOWED unless the port is in ENVOI_ALLOWED_PORTS. */
export function assertPortAllowed(port: number, policy: NetworkPolicy, host?: string, target?: Omit<Target, 'port'>): void {
  if (!policy.allowedPorts.has(port) && !(host !== undefined && target !== undefined && isException(policy, host, { ...target, port }))) {
    throw new EnvoiError('PORT_NOT_ALLOWED', `Port ${port} is not allowed; this server allows ${policy.allowedPorts.text}`, {
      details: [{ path: '/port', message: `must be one of ${policy.allowedPorts.text}` }],
    });
  }
}

function refuse(host: string, address: string): never {
  const shown = host === address ? address : `${host} (${address})`;
  throw new EnvoiError('HOST_NOT_ALLOWED', `${shown} is a loopback, private or link-local address, which connections may not use`, {
    details: [{ path: '/host', message: 'resolves to a non-public address' }],
  });
}

/** Vets a literal IP address now; names are vetted after resolution by `resolveAndVet`. */
export function assertLiteralHostAllowed(host: string, policy: NetworkPolicy, target?: Target): void {
  const bare = host.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateHosts && net.isIP(bare) && !isPublicAddress(bare) && !isException(policy, bare, target)) refuse(host, bare);
}

export type Resolution = { ok: true; addresses: string[] } | { ok: false; error: Error & { code?: string } };

/**
 * Resolves a host and vets every address: one bad address refuses the host, since a resolver
 * may hand the addresses back in any order. Resolution failures are returned (the caller
 * decides whether that is a warning or a failed test); policy violations throw HOST_NOT_ALLOWED.
 * IPv4 addresses come first: mail servers reachable over IPv6 only are rare, broken IPv6 is not.
 */
export async function resolveAndVet(host: string, policy: NetworkPolicy, options: { lookup?: LookupAll; timeoutMs?: number; target?: Target } = {}): Promise<Resolution> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (net.isIP(bare)) {
    addresses = [bare];
  } else {
    const lookup = options.lookup ?? systemLookup;
    try {
      addresses = await withTimeout(lookup(bare), options.timeoutMs ?? 10_000, `DNS lookup of ${bare} took too long`);
    } catch (error) {
      return { ok: false, error: error as Error };
    }
    if (addresses.length === 0) return { ok: false, error: Object.assign(new Error(`${bare} has no address`), { code: 'ENODATA' }) };
  }
  if (!policy.allowPrivateHosts) {
    const literal = net.isIP(bare) !== 0;
    for (const a of addresses) if (!isPublicAddress(a) && !(literal && isException(policy, bare, options.target))) refuse(bare, a);
  }
  const v4 = addresses.filter((a) => net.isIPv4(a));
  const v6 = addresses.filter((a) => !net.isIPv4(a));
  return { ok: true, addresses: [...v4, ...v6] };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEOUT' })), ms);
    }),
  ]);
}
