import { createRequire } from 'node:module';
import net from 'node:net';
import { dnsDidNotAnswer, noRecord, type DnsResolve } from '../dns/resolver.js';
import { silent, txtRecords, type CheckItem, type Sender } from './types.js';

// mailauth (CommonJS) evaluates SPF as RFC 7208 says, counting DNS lookups to its limit of 10.
// Required by the first check: loading mailauth takes 22 MB of memory.
let mailauth: typeof import('mailauth') | undefined;
const spf: typeof import('mailauth').spf = (...args) => (mailauth ??= createRequire(import.meta.url)('mailauth') as typeof import('mailauth')).spf(...args);

/** An address from TEST-NET-1 (RFC 5737): no policy authorizes it, so evaluating it walks the whole record. */
const PROBE_IP = '192.0.2.1';

const isSpf = (t: string) => /^v=spf1(\s|$)/i.test(t);

async function spfRecords(name: string, resolve: DnsResolve): Promise<string[]> {
  try {
    return txtRecords(await resolve(name, 'TXT')).filter(isSpf);
  } catch (err) {
    if (noRecord(err)) return [];
    throw err;
  }
}

/** The addresses of an SMTP host (itself when it is an address). */
async function addressesOf(host: string, resolve: DnsResolve): Promise<string[]> {
  if (net.isIP(host)) return [host];
  const out: string[] = [];
  for (const type of ['A', 'AAAA']) {
    try {
      out.push(...((await resolve(host, type)) as string[]));
    } catch (err) {
      if (!noRecord(err)) throw err;
    }
  }
  return out;
}

/** Whether a policy names `include` itself or through its includes and redirect (at most 10 records read). */
async function includes(record: string, include: string, resolve: DnsResolve, budget = { left: 10 }): Promise<boolean> {
  for (const term of record.split(/\s+/)) {
    const m = /^(?:[-+~?]?include:|redirect=)(.+)$/i.exec(term);
    if (!m) continue;
    const target = m[1]!.toLowerCase().replace(/\.$/, '');
    if (target === include && /include:/i.test(term)) return true;
    if (budget.left-- <= 0 || target.includes('%')) continue;
    const nested = (await spfRecords(target, resolve))[0];
    if (nested && (await includes(nested, include, resolve, budget))) return true;
  }
  return false;
}

/** A record with `terms` added before its `all` (or `redirect=`), or a new one. */
function withTerms(record: string | undefined, terms: string[]): string {
  if (!record) return `v=spf1 ${terms.length ? terms.join(' ') : 'mx'} ~all`;
  const tokens = record.trim().split(/\s+/);
  const missing = terms.filter((t) => !tokens.some((x) => x.toLowerCase() === t.toLowerCase()));
  const at = tokens.findIndex((t) => /^[-+~?]?all$/i.test(t) || /^redirect=/i.test(t));
  tokens.splice(at < 0 ? tokens.length : at, 0, ...missing);
  return tokens.join(' ');
}

/**
 * The SPF record of one name (RFC 7208): present and single, evaluating without a permanent error
 * (which includes more than 10 DNS lookups, §4.6.4), authorizing each SMTP host's addresses
 * (evaluated as a receiver would) and naming each email API's include.
 */
export async function checkSpf(name: string, senders: Sender[], resolve: DnsResolve): Promise<CheckItem> {
  const spfOf = (ip: string) => spf({ sender: `postmaster@${name}`, ip, helo: name, mta: 'envoi', resolver: resolve });
  try {
    const hosts = senders.filter((s) => s.host && !s.provider.spfInclude);
    const apiIncludes = [...new Set(senders.flatMap((s) => (s.provider.spfInclude ? [s.provider.spfInclude.include] : [])))];
    const addresses = new Map<string, string>();
    for (const s of hosts) for (const ip of await addressesOf(s.host!, resolve)) addresses.set(ip, s.host!);
    const needed = [...[...addresses.keys()].map((ip) => (net.isIPv6(ip) ? `ip6:${ip}` : `ip4:${ip}`)), ...apiIncludes.map((i) => `include:${i}`)];
    const records = await spfRecords(name, resolve);
    const base = { kind: 'spf' as const, name };
    if (!records.length) {
      return { ...base, status: 'fail', expected: withTerms(undefined, needed), message: `${name} has no SPF record`, hint: 'Publish the expected TXT record at this name, so receivers know which servers send its mail.' };
    }
    if (records.length > 1) {
      return { ...base, status: 'fail', found: records.join(' | '), expected: withTerms(records[0], needed), message: `${name} has ${records.length} SPF records; receivers treat that as an error (RFC 7208 §4.5)`, hint: 'Merge them into one TXT record, the expected one.' };
    }
    const found = records[0]!;
    const probe = await spfOf(PROBE_IP);
    if (probe.status.result === 'temperror') return silent('spf', name);
    if (probe.status.result === 'permerror') {
      const lookups = /too many DNS/i.test(probe.status.comment ?? '');
      return {
        ...base, status: 'fail', found, expected: withTerms(undefined, needed),
        message: lookups ? `The SPF record of ${name} needs more than 10 DNS lookups (RFC 7208 §4.6.4): receivers reject it as a permanent error` : `The SPF record of ${name} has an error: ${probe.status.comment ?? 'it does not parse'}`,
        hint: lookups ? 'Drop includes you no longer use, or replace some by the ip4:/ip6: ranges they stand for; the expected record names only what this scope sends through.' : 'Publish the expected record instead.',
      };
    }
    const unauthorized: string[] = [];
    for (const [ip, host] of addresses) if ((await spfOf(ip)).status.result !== 'pass') unauthorized.push(`${host} (${ip})`);
    const missingIncludes: string[] = [];
    for (const inc of apiIncludes) if (!(await includes(found, inc, resolve))) missingIncludes.push(`include:${inc}`);
    if (unauthorized.length || missingIncludes.length) {
      const what = [...unauthorized, ...missingIncludes].join(', ');
      return {
        ...base, status: 'fail', found, expected: withTerms(found, needed),
        message: `The SPF record of ${name} does not authorize ${what}, which ${senders.length === 1 ? `connection "${senders[0]!.connection}"` : 'this scope\'s connections'} send${senders.length === 1 ? 's' : ''} through`,
        hint: 'Replace the record with the expected one (it adds what is missing before the "all" term).',
      };
    }
    const who = senders.length ? ` and authorizes ${senders.map((s) => `"${s.connection}"`).join(', ')}` : '';
    return { ...base, status: 'pass', found, message: `${name} has one valid SPF record${who}`, hint: 'Nothing to do.' };
  } catch (err) {
    if (dnsDidNotAnswer(err)) return silent('spf', name);
    throw err;
  }
}
