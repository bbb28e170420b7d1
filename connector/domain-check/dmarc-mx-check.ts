import { createRequire } from 'node:module';
import { dnsDidNotAnswer, noRecord, type DnsResolve } from '../dns/resolver.js';
import { silent, type CheckItem } from './types.js';

// mailauth's own DMARC record reader (RFC 7489 §6.6.3: the domain's record, else its organizational domain's).
// Required by the first check, as the rest of mailauth is (see spf-check.ts).
type GetDmarcRecord = (domain: string, resolver: DnsResolve) => Promise<false | { rr: string; p?: string; adkim?: string; isOrgRecord: boolean }>;
let dmarcReader: GetDmarcRecord | undefined;
const getDmarcRecord: GetDmarcRecord = (domain, resolver) =>
  (dmarcReader ??= createRequire(import.meta.url)('mailauth/lib/dmarc/get-dmarc-record.js') as GetDmarcRecord)(domain, resolver);

/** The record to publish: quarantine what fails, relaxed alignment (RFC 7489 §6.3). */
export const DMARC_EXPECTED = 'v=DMARC1; p=quarantine; adkim=r; aspf=r';

/**
 * DMARC of a domain (RFC 7489): present (missing: `fail`), a policy that acts (`p=none`: `warn`),
 * and aligned: `aligned` lists the DKIM domains that sign its mail (Envoi signs as the From domain
 * itself, which aligns in both modes); none is a warning.
 */
export async function checkDmarc(domain: string, aligned: string[], resolve: DnsResolve): Promise<CheckItem> {
  const name = `_dmarc.${domain}`;
  try {
    const rec = await getDmarcRecord(domain, resolve);
    if (!rec) {
      return { kind: 'dmarc', status: 'fail', name, expected: DMARC_EXPECTED, message: `${domain} has no DMARC record; Gmail, Yahoo and Outlook.com require one from bulk senders`, hint: `Publish the expected TXT record at ${name}.` };
    }
    const found = rec.rr;
    const at = rec.isOrgRecord ? ' (inherited from the organizational domain)' : '';
    const policy = (rec.p ?? '').toLowerCase();
    if (policy === 'none' || !policy) {
      const expected = /;\s*p=\w*/i.test(found) ? found.replace(/(;\s*p=)\w*/i, '$1quarantine') : DMARC_EXPECTED;
      return { kind: 'dmarc', status: 'warn', name, found, expected, message: `The DMARC policy of ${domain} is p=none${at}: mail failing authentication is still delivered`, hint: 'Once reports show your mail passes, move to p=quarantine (the expected record), then p=reject.' };
    }
    const strict = (rec.adkim ?? 'r').toLowerCase() === 's';
    const ok = aligned.filter((d) => (strict ? d === domain : d === domain || d.endsWith(`.${domain}`) || domain.endsWith(`.${d}`)));
    if (!ok.length) {
      return { kind: 'dmarc', status: 'warn', name, found, message: `DMARC of ${domain} has p=${policy}${at}, but no DKIM signature known to Envoi aligns with ${domain}`, hint: `Create a DKIM key for ${domain} (the DKIM tab) so Envoi's signature aligns with the From address.` };
    }
    return { kind: 'dmarc', status: 'pass', name, found, message: `DMARC of ${domain} has p=${policy}${at}; DKIM signs as ${ok[0]}, aligned with the From domain`, hint: 'Nothing to do.' };
  } catch (err) {
    if (dnsDidNotAnswer(err)) return silent('dmarc', name);
    throw err;
  }
}

/** MX of a domain (RFC 5321 §5.1): receivers reject mail whose sender domain takes none (missing: `warn`). */
export async function checkMx(domain: string, resolve: DnsResolve): Promise<CheckItem> {
  try {
    const mx = ((await resolve(domain, 'MX')) as Array<{ exchange: string; priority: number }>).sort((a, b) => a.priority - b.priority);
    if (mx.length) return { kind: 'mx', status: 'pass', name: domain, found: mx.map((m) => `${m.priority} ${m.exchange}`).join(', '), message: `${domain} receives mail (replies and bounces reach it)`, hint: 'Nothing to do.' };
  } catch (err) {
    if (dnsDidNotAnswer(err)) return silent('mx', domain);
    if (!noRecord(err)) throw err;
  }
  return {
    kind: 'mx', status: 'warn', name: domain, expected: `10 mail.${domain}`,
    message: `${domain} has no MX record: replies and bounces cannot reach it, and some receivers reject its mail`,
    hint: `Publish an MX record naming the server that receives mail for ${domain} (replace mail.${domain} with it).`,
  };
}
