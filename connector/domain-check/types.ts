import type { Provider } from '../providers/provider.js';

export type CheckKind = 'spf' | 'dkim' | 'dmarc' | 'mx';
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One finding of a domain check (design.md "Deliverability"). */
export interface CheckItem {
  kind: CheckKind;
  status: CheckStatus;
  /** The DNS name the record lives at. */
  name?: string;
  /** The record as published. */
  found?: string;
  /** The exact record to publish at `name`. */
  expected?: string;
  message: string;
  hint: string;
}

/** A connection of the scope that sends as the checked domain: its name, provider and (SMTP) host. */
export interface Sender {
  connection: string;
  provider: Provider;
  host?: string | undefined;
}

export const DNS_SILENT = 'DNS did not answer';
export const DNS_SILENT_HINT = 'Try again in a minute; if it keeps happening, check that the DNS servers Envoi asks (ENVOI_DNS_SERVERS) are reachable.';

/** A check that could not be made because no DNS server answered in time. */
export const silent = (kind: CheckKind, name: string): CheckItem => ({ kind, status: 'warn', name, message: `${DNS_SILENT} for ${name}`, hint: DNS_SILENT_HINT });

/** The TXT strings of a name joined per record (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
export const txtRecords = (rows: unknown): string[] => (rows as string[][]).map((r) => (Array.isArray(r) ? r.join('') : String(r)));
