import { EnvoiError } from '../connector/errors.js';
import { parseAddressList } from './addresses.js';
import { buildIcs } from './calendar.js';
import { compileTemplate } from './templates/engine.js';
import { RenderMeter } from './templates/meter.js';
const CONTROL = /[\u0000-\u001f\u007f]/;
// A file name shows the recipient what they open: no control characters, and none of the bidi
// marks and overrides that turn "invoice\u202Efdp.exe" into "invoiceexe.pdf" on screen
// (Unicode TR #9: ALM, LRM, RLM, LRE…RLO, LRI…PDI). The input schema refuses the same set.
const UNSAFE_FILENAME = /[\u0000-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * A copy of template data without the keys prototype-pollution payloads rely on. Handlebars
 * already refuses inherited properties; this also drops own keys named like them (JSON.parse
 * makes "__proto__" an own key), so no template can reach them at all.
 */
export function safeData(value, depth = 0) {
    if (depth > 32)
        return undefined;
    if (Array.isArray(value))
        return value.map((v) => safeData(v, depth + 1));
    if (value && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value))
            if (!UNSAFE_KEYS.has(k))
                out[k] = safeData(v, depth + 1);
        return out;
    }
    return value;
}
export { textFromHtml } from '../connector/delivery/text-from-html.js';
/**
 * Renders subject, html and text with the data and assembles the nodemailer message. Every
 * template compiles before anything else happens, so a broken one is reported with its line and
 * column at validate and preview time, before any send.
 */
export function buildMessage(parts, opts) {
    const meter = opts.budget ? new RenderMeter(opts.budget) : undefined;
    const subjectT = compileTemplate(parts.subject, 'subject');
    const htmlT = parts.html !== undefined ? compileTemplate(parts.html, 'html') : undefined;
    const textT = parts.text !== undefined ? compileTemplate(parts.text, 'text') : undefined;
    const data = { ...safeData(parts.data ?? {}), ...(opts.locale ? { locale: opts.locale } : {}) };
    const to = parseAddressList(parts.to, '/to');
    const cc = parseAddressList(parts.cc, '/cc');
    const bcc = parseAddressList(parts.bcc, '/bcc');
    const replyTo = parts.replyTo ? parseAddressList(parts.replyTo, '/replyTo') : [];
    const subject = subjectT.render(data, meter).trim();
    if (CONTROL.test(subject)) {
        // A value in `data` may carry a line break; in a header it would start a new header.
        throw new EnvoiError('VALIDATION_FAILED', 'The rendered subject contains a line break or another control character', {
            hint: 'Remove line breaks from the values used in the subject.',
            details: [{ path: '/subject', message: 'must not contain control characters once rendered' }],
        });
    }
    if (!subject)
        throw new EnvoiError('VALIDATION_FAILED', 'The rendered subject is empty', { details: [{ path: '/subject', message: 'is empty once rendered' }] });
    const html = htmlT?.render(data, meter);
    // Without a text template, the text part is derived from the html when the message is composed
    // (off the event loop: it is the costliest step of building an html mail).
    const text = textT ? textT.render(data, meter) : html !== undefined ? undefined : '';
    const attachments = [];
    const shown = [];
    (parts.attachments ?? []).forEach((a, i) => {
        if (UNSAFE_FILENAME.test(a.filename)) {
            throw new EnvoiError('VALIDATION_FAILED', `The name of attachment ${i + 1} contains a control or bidirectional-override character`, {
                hint: 'Name the file with visible characters only; a right-to-left override can disguise the real file type.',
                details: [{ path: `/attachments/${i}/filename`, message: 'must not contain control or bidi characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)' }],
            });
        }
        const content = Buffer.from(a.content.replace(/\s+/g, ''), 'base64');
        if (a.content.trim() && content.length === 0) {
            throw new EnvoiError('VALIDATION_FAILED', `Attachment ${a.filename} is not base64`, { details: [{ path: `/attachments/${i}/content`, message: 'must be base64' }] });
        }
        // An image is inline only where the html shows it; otherwise it is an ordinary attachment.
        const inline = !!a.cid && !!html && html.includes(`cid:${a.cid}`);
        attachments.push({ filename: a.filename, content, ...(a.contentType ? { contentType: a.contentType } : {}), ...(inline ? { cid: a.cid } : {}) });
        shown.push({ filename: a.filename, contentType: a.contentType, size: content.length, inline });
    });
    const calendar = parts.calendarEvent ? buildIcs(parts.calendarEvent, { uidDomain: opts.uidDomain }) : undefined;
    const mail = {
        to,
        ...(cc.length ? { cc } : {}),
        ...(bcc.length ? { bcc } : {}),
        ...(replyTo.length ? { replyTo: replyTo[0] } : {}),
        subject,
        ...(text !== undefined ? { text } : {}),
        ...(html !== undefined ? { html } : {}),
        ...(attachments.length ? { attachments } : {}),
        ...(parts.headers ? { headers: parts.headers } : {}),
        ...(parts.priority ? { priority: parts.priority } : {}),
        // nodemailer adds the event as a text/calendar alternative (what mail clients turn into an
        // invite with accept/decline) and as an .ics attachment.
        ...(calendar ? { icalEvent: { method: calendar.method, filename: 'invite.ics', content: calendar.content } } : {}),
    };
    return { mail, subject, html, text, calendar, attachments: shown };
}
//# sourceMappingURL=message.js.map