import addressparser from 'nodemailer/lib/addressparser';
import { EnvoiError, type ErrorDetail } from '../connector/errors.js';

export interface Mailbox {
  name: string;
  address: string;
}

// A plain, strict mailbox: dot-atom local part and a dotted domain of letters, digits and
// hyphens (or an IDN). No quoted local parts, comments or IP literals: a workflow never needs
// them, and each is a way to smuggle something past a check.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff-]{0,61}[A-Za-z0-9\u00a1-\uffff])?\.)+[A-Za-z\u00a1-\uffff]{2,63}$/u;

/** True for an address Envoi accepts. */
export function isMailbox(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 1 || address.length > 254) return false;
  const local = address.slice(0, at);
  return local.length <= 64 && LOCAL.test(local) && DOMAIN.test(address.slice(at + 1));
}

/**
 * Parses a list of "Name <address>" strings with nodemailer's address parser and validates each
 * address; every bad one is reported with its path.
 */
export function parseAddressList(value: string | string[] | undefined, path: string): Mailbox[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: Mailbox[] = [];
  const bad: ErrorDetail[] = [];
  list.forEach((item, i) => {
    const where = Array.isArray(value) ? `${path}/${i}` : path;
    const parsed = addressparser(item, { flatten: true }) as Array<{ name: string; address: string }>;
    if (parsed.length === 0) bad.push({ path: where, message: 'is not an email address' });
    for (const p of parsed) {
      if (!isMailbox(p.address)) bad.push({ path: where, message: `"${p.address || item}" is not a valid email address` });
      else out.push({ name: p.name, address: p.address });
    }
  });
  if (bad.length) {
    throw new EnvoiError('VALIDATION_FAILED', `${bad.length === 1 ? 'An address is' : 'Some addresses are'} not valid`, {
      hint: 'Write each recipient as name@example.com or "Name <name@example.com>".',
      details: bad,
    });
  }
  return out;
}
