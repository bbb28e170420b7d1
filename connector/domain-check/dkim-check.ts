import { dnsRecordOf } from '../dkim/keys.js';
import { dnsDidNotAnswer, noRecord, type DnsResolve } from '../dns/resolver.js';
import type { StoredDkimKey } from '../store/dkim-keys.js';
import { silent, txtRecords, type CheckItem, type Sender } from './types.js';

/** The tags of a DKIM key record (RFC 6376 §3.6.1: `tag=value` pairs separated by `;`, spaces folded). */
function tags(record: string): Map<string, string> {
  return new Map(record.split(';').map((p) => p.trim()).filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i < 0 ? p.length : i).trim().toLowerCase(), i < 0 ? '' : p.slice(i + 1).replace(/\s+/g, '')] as const;
  }));
}

async function keyRecords(name: string, resolve: DnsResolve): Promise<string[]> {
  try {
    return txtRecords(await resolve(name, 'TXT')).filter((t) => /(^|;)\s*(v=DKIM1|p=)/i.test(t));
  } catch (err) {
    if (noRecord(err)) return [];
    throw err;
  }
}

/** Each Envoi key's record is published and carries that key (else `fail`). */
async function checkKey(key: StoredDkimKey, resolve: DnsResolve): Promise<CheckItem> {
  const expected = dnsRecordOf(key);
  const base = { kind: 'dkim' as const, name: expected.name, expected: expected.value };
  try {
    const records = await keyRecords(expected.name, resolve);
    if (!records.length) {
      return { ...base, status: 'fail', message: `The record of DKIM key "${key.selector}" is not published at ${expected.name}`, hint: 'Publish the expected TXT record; until then receivers cannot verify the signature Envoi adds.' };
    }
    const found = records.join(' | ');
    const t = tags(records[0]!);
    const k = (t.get('k') || 'rsa').toLowerCase();
    const wantK = key.algorithm === 'ed25519' ? 'ed25519' : 'rsa';
    if (records.length > 1 || t.get('p') !== key.publicKey || k !== wantK) {
      return {
        ...base, status: 'fail', found,
        message: records.length > 1 ? `${expected.name} has ${records.length} DKIM records; receivers may pick the wrong one` : `The record at ${expected.name} does not match Envoi's key "${key.selector}"${k !== wantK ? ` (k=${k}, the key is ${wantK})` : ''}`,
        hint: 'Replace the published record by the expected one, copied whole (some DNS panels cut long values: split it into 255-character strings).',
      };
    }
    return { ...base, status: 'pass', found, message: `DKIM key "${key.selector}" is published and matches`, hint: 'Nothing to do.' };
  } catch (err) {
    if (dnsDidNotAnswer(err)) return { ...silent('dkim', expected.name), expected: expected.value };
    throw err;
  }
}

/** A provider's own selector (it signs with its key): present is a pass, absent a warning. */
async function checkProviderSelector(domain: string, selector: string, senders: Sender[], resolve: DnsResolve): Promise<CheckItem> {
  const name = `${selector}._domainkey.${domain}`;
  const who = senders.map((s) => `"${s.connection}"`).join(', ');
  try {
    const records = await keyRecords(name, resolve);
    if (records.length) return { kind: 'dkim', status: 'pass', name, found: records.join(' | '), message: `The DKIM key ${who} sign${senders.length === 1 ? 's' : ''} with is published at ${name}`, hint: 'Nothing to do.' };
    return {
      kind: 'dkim', status: 'warn', name,
      message: `No DKIM key at ${name}, where ${senders[0]!.provider.key} publishes the key ${who} sign${senders.length === 1 ? 's' : ''} with`,
      hint: `Turn on DKIM (domain authentication) for ${domain} in the provider's console and publish the records it shows.`,
    };
  } catch (err) {
    if (dnsDidNotAnswer(err)) return silent('dkim', name);
    throw err;
  }
}

/**
 * DKIM of a domain: every Envoi key of the scope (and the platform's) for it, and the fixed
 * selectors of the providers that sign with their own keys. A domain that some connection sends
 * through Envoi's signature but that has no key is a warning: its mail goes out unsigned.
 */
export async function checkDkim(domain: string, keys: StoredDkimKey[], senders: Sender[], resolve: DnsResolve): Promise<CheckItem[]> {
  const out = await Promise.all(keys.map((k) => checkKey(k, resolve)));
  const bySelector = new Map<string, Sender[]>();
  for (const s of senders) for (const sel of s.provider.signsWithEnvoiDkim ? [] : s.provider.dkimSelectors ?? []) bySelector.set(sel, [...(bySelector.get(sel) ?? []), s]);
  out.push(...(await Promise.all([...bySelector].map(([sel, ss]) => checkProviderSelector(domain, sel, ss, resolve)))));
  const unsigned = senders.filter((s) => s.provider.signsWithEnvoiDkim);
  if (!keys.length && (unsigned.length || !out.length)) {
    out.push({
      kind: 'dkim', status: 'warn',
      message: unsigned.length ? `Mail of ${domain} through ${unsigned.map((s) => `"${s.connection}"`).join(', ')} leaves unsigned: the scope has no DKIM key for it` : `Envoi has no DKIM key for ${domain}`,
      hint: `Create one (POST …/dkim-keys {"domain": "${domain}"}, or the admin page's DKIM tab) and publish the record it shows.`,
    });
  }
  return out;
}
