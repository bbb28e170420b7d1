import { Resolver } from 'node:dns/promises';

/** A DNS lookup as mailauth takes it (its `resolver` option): a name and a record type. */
export type DnsResolve = (name: string, rrtype: string) => Promise<any>;

/** Error codes that mean no server answered (rather than "no such record"). */
const NO_ANSWER = new Set(['ETIMEOUT', 'ECONNREFUSED', 'ESERVFAIL', 'EREFUSED', 'ECANCELLED', 'ECONNRESET', 'EDESTRUCTION']);

/** Whether a lookup failed because DNS did not answer (a warning), not because the record is missing. */
export const dnsDidNotAnswer = (err: unknown): boolean => NO_ANSWER.has((err as { code?: string } | null)?.code ?? '');

/** Whether a lookup found no such name or no record of that type. */
export const noRecord = (err: unknown): boolean => ['ENOTFOUND', 'ENODATA'].includes((err as { code?: string } | null)?.code ?? '');

export interface DnsOptions {
  /** `host[:port]` entries (ENVOI_DNS_SERVERS); the system's servers when absent. */
  servers?: readonly string[] | undefined;
  /** Per lookup (ENVOI_DNS_TIMEOUT_MS). */
  timeoutMs: number;
  /** No lookup answers after this moment (ms since the epoch): the whole check stays bounded. */
  deadline?: number | undefined;
}

/**
 * A resolver on node:dns's Resolver (c-ares, not getaddrinfo, so the servers are the ones given),
 * one try per lookup, each bounded by the timeout and by the check's deadline.
 */
export function dnsResolver(opts: DnsOptions): DnsResolve {
  const r = new Resolver({ timeout: opts.timeoutMs, tries: 1 });
  if (opts.servers?.length) r.setServers([...opts.servers]);
  return (name, rrtype) => {
    const wait = Math.max(0, Math.min(opts.timeoutMs, (opts.deadline ?? Infinity) - Date.now()));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`DNS did not answer for ${name} ${rrtype}`), { code: 'ETIMEOUT' })), wait);
    });
    return Promise.race([r.resolve(name, rrtype), late]).finally(() => clearTimeout(timer));
  };
}
