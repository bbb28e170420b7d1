import type { DnsResolve } from '../dns/resolver.js';
import type { StoredDkimKey } from '../store/dkim-keys.js';
import { checkDkim } from './dkim-check.js';
import { checkDmarc, checkMx } from './dmarc-mx-check.js';
import { checkSpf } from './spf-check.js';
import type { CheckItem, Sender } from './types.js';

export interface DomainCheck {
  domain: string;
  checkedAt: string;
  checks: CheckItem[];
}

/**
 * SPF, DKIM, DMARC and MX of a sender domain (design.md "Deliverability"). SPF is checked at the
 * domain and at each provider's return-path subdomain (Resend's `send.`), each for the senders
 * that use it. The checks run side by side; the resolver bounds each lookup and the whole.
 */
export async function checkDomain(domain: string, opts: { keys: StoredDkimKey[]; senders: Sender[]; resolve: DnsResolve }): Promise<DomainCheck> {
  const { keys, senders, resolve } = opts;
  const spfNames = new Map<string, Sender[]>([[domain, []]]);
  for (const s of senders) {
    const sub = s.provider.spfInclude?.subdomain;
    const name = sub ? `${sub}.${domain}` : domain;
    spfNames.set(name, [...(spfNames.get(name) ?? []), s]);
  }
  const signing = senders.some((s) => !s.provider.signsWithEnvoiDkim && s.provider.dkimSelectors?.length);
  const aligned = keys.length || signing ? [domain] : [];
  const [spf, dkim, dmarc, mx] = await Promise.all([
    Promise.all([...spfNames].map(([name, ss]) => checkSpf(name, ss, resolve))),
    checkDkim(domain, keys, senders, resolve),
    checkDmarc(domain, aligned, resolve),
    checkMx(domain, resolve),
  ]);
  return { domain, checkedAt: new Date().toISOString(), checks: [...spf, ...dkim, dmarc, mx] };
}
