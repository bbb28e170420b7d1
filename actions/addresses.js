import { domainToASCII, domainToUnicode } from 'node:url';
import { EnvoiError } from '../connector/errors.js';
// A plain, strict mailbox: a dot-atom local part (RFC 5322 atext) and a domain checked by IDNA
// rules. No quoted local parts, comments, groups or IP literals: a workflow never needs them,
// and each is a way to smuggle something past a check. Every check is a scan or a regex
// without nested quantifiers, so no input can make it backtrack.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LDH = /^[a-z0-9-]+$/;
const ALL_DIGITS = /^[0-9]+$/;
// Invisible and formatting characters (soft hyphen, zero-width space, bidi overrides: Unicode
// category Cf), controls, spaces, and the dots IDNA maps to "." (ideographic, fullwidth,
// halfwidth): each makes the domain sent differ from the one a person reads.
const DOMAIN_TRAPS = /[\p{Cf}\p{Cc}\p{Z}\u3002\uFF0E\uFF61]/u;
// A display name may be in any script, but not carry controls or bidi embeddings, overrides
// and isolates, which reorder what a mail client shows around the address.
const NAME_TRAPS = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
const codePoint = (c) => `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
/** The text with invisible characters written out, so the person sees what was refused. */
const visible = (s) => s.replace(/[\p{Cf}\p{Cc}]/gu, (c) => `<${codePoint(c)}>`);
/**
 * Checks a domain by IDNA rules (UTS #46 through url.domainToASCII) and returns the form that
 * is sent: unchanged when ASCII, else its A-labels (what nodemailer puts on the wire anyway).
 * Each label must survive the round trip unchanged (up to case), so a character that IDNA maps
 * or drops cannot make the address sent differ from the one validated.
 */
export function checkDomain(domain) {
    const trap = DOMAIN_TRAPS.exec(domain);
    if (trap)
        return { ok: false, reason: `its domain contains ${codePoint(trap[0])}, an invisible, bidi, space or look-alike dot character` };
    const ascii = domainToASCII(domain);
    if (!ascii || ascii.length > 253)
        return { ok: false, reason: 'its domain is not a valid domain name' };
    const raw = domain.split('.');
    const labels = ascii.split('.');
    if (labels.length < 2 || labels.length !== raw.length)
        return { ok: false, reason: 'its domain is not a valid domain name' };
    for (let i = 0; i < labels.length; i++) {
        const a = labels[i];
        const typed = raw[i].toLowerCase().normalize('NFC');
        if (a.length < 1 || a.length > 63 || !LDH.test(a) || a.startsWith('-') || a.endsWith('-'))
            return { ok: false, reason: 'its domain is not a valid domain name' };
        if (typed !== a && typed !== domainToUnicode(a))
            return { ok: false, reason: `its domain changes under IDNA ("${visible(raw[i])}" becomes "${a}")` };
    }
    if (ALL_DIGITS.test(labels[labels.length - 1]))
        return { ok: false, reason: 'its domain ends in a number (IP addresses are not accepted)' };
    return { ok: true, ascii: /^[\x21-\x7e]+$/.test(domain) ? domain : ascii };
}
/** Why an address is refused, or the address as it will be sent. */
export function checkMailbox(address) {
    const at = address.lastIndexOf('@');
    if (at < 1 || address.length > 254)
        return { ok: false, reason: 'is not a valid email address' };
    const local = address.slice(0, at);
    if (local.length > 64 || !local.split('.').every((atom) => ATEXT.test(atom)))
        return { ok: false, reason: 'is not a valid email address: the part before the @ is not a plain name' };
    const d = checkDomain(address.slice(at + 1));
    return d.ok ? { ok: true, address: `${local}@${d.ascii}` } : { ok: false, reason: `is not a valid email address: ${d.reason}` };
}
/** Refusals for characters that make an entry more than one plain address. */
function structural(text, where) {
    if (/[()]/.test(text))
        return 'has a comment in parentheses; write the address alone';
    if (/[:;]/.test(text))
        return 'is a group (name: addresses;); list each address on its own';
    if (where === 'name' && text.includes(','))
        return 'has a comma in the name; put the name in quotes: "Lovelace, Ada" <ada@example.com>';
    if (/[,<>@\s"[\]\\]/.test(text))
        return 'holds more than one address, or text around the address; give each address as its own list entry';
    return undefined;
}
/** A display name: a quoted string (any text, \-escapes) or plain words. */
function parseName(text) {
    let name;
    if (text.startsWith('"')) {
        let out = '';
        let i = 1;
        for (; i < text.length; i++) {
            const c = text[i];
            if (c === '\\' && i + 1 < text.length)
                out += text[++i];
            else if (c === '"')
                break;
            else
                out += c;
        }
        if (i !== text.length - 1)
            return { ok: false, reason: 'has text after the quoted name, or a quote left open' };
        name = out;
    }
    else {
        const bad = structural(text.replace(/\s+/g, ' ').replace(/ /g, ''), 'name');
        if (bad)
            return { ok: false, reason: bad };
        name = text.replace(/\s+/g, ' ');
    }
    const trap = NAME_TRAPS.exec(name);
    if (trap)
        return { ok: false, reason: `has ${codePoint(trap[0])}, a control or bidi character, in the name` };
    return { ok: true, name: name.trim() };
}
/** One list entry, exactly `addr` or `Name <addr>`, with nothing dropped. */
export function parseMailbox(entry) {
    const s = entry.trim();
    if (!s)
        return { ok: false, reason: 'is empty' };
    let name = '';
    let address = s;
    if (s.endsWith('>')) {
        const lt = s.lastIndexOf('<');
        if (lt < 0)
            return { ok: false, reason: 'has a ">" without its "<"' };
        const n = parseName(s.slice(0, lt).trim());
        if (!n.ok)
            return n;
        name = n.name;
        address = s.slice(lt + 1, -1).trim();
    }
    const bad = structural(address.replace(/@/, ''), 'address');
    if (bad)
        return { ok: false, reason: bad };
    const m = checkMailbox(address);
    return m.ok ? { ok: true, mailbox: { name, address: m.address } } : { ...m, subject: address };
}
/**
 * Parses a list of "Name <address>" strings (or one string) and validates each entry; every bad
 * one is reported with its path. The addresses returned are the ones that are sent.
 */
export function parseAddressList(value, path) {
    if (value === undefined)
        return [];
    const list = Array.isArray(value) ? value : [value];
    const out = [];
    const bad = [];
    list.forEach((item, i) => {
        const where = Array.isArray(value) ? `${path}/${i}` : path;
        const p = parseMailbox(item);
        if (p.ok)
            out.push(p.mailbox);
        else
            bad.push({ path: where, message: `"${visible(p.subject ?? item)}" ${p.reason}` });
    });
    if (bad.length) {
        throw new EnvoiError('VALIDATION_FAILED', `${bad.length === 1 ? 'An address is' : 'Some addresses are'} not valid`, {
            hint: 'Write each recipient as name@example.com or "Name <name@example.com>", one address per list entry.',
            details: bad,
        });
    }
    return out;
}
//# sourceMappingURL=addresses.js.map