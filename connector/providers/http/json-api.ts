/**
 * What the JSON email APIs share beyond one HTTP call (./request.ts): an address written as a
 * From or To header value, and a connection test's result made from a failure or a success.
 */
import type { Failure } from '../../failures.js';
import type { TestResult } from '../results.js';
import type { Address, Attachment, MessageParts } from './mime-parts.js';

/** Characters that RFC 5322 §3.2.3 does not allow unquoted in a display name (`specials`). */
const SPECIALS = /[()<>[\]:;@\\,."]/;

/**
 * One address as an API takes it in a header-like field: `Name <addr>`, the name quoted when it
 * holds a special character (RFC 5322 §3.4), so "Doe, Jane" stays one recipient. The APIs encode
 * non-ASCII names themselves (RFC 2047), so the name goes as UTF-8 text.
 */
export function formatAddress(a: Address): string {
  if (!a.name) return a.address;
  const name = SPECIALS.test(a.name) ? `"${a.name.replace(/[\\"]/g, '\\$&')}"` : a.name;
  return `${name} <${a.address}>`;
}

/**
 * The files a JSON API attaches: the message's attachments and inline images, and the calendar
 * invite. None of these APIs takes a text/calendar alternative, so the invite goes as a file
 * `text/calendar; method=…` (RFC 6047 §2.4; calendar clients read METHOD from it). nodemailer
 * already attaches the invite as application/ics beside its alternative: that copy is replaced,
 * never sent twice.
 */
export function apiAttachments(parts: MessageParts): Attachment[] {
  const cal = parts.calendar;
  if (!cal) return parts.attachments;
  const isInvite = (a: Attachment) => /^application\/ics$/i.test(a.contentType) && a.content.toString('utf8') === cal.content;
  const copy = parts.attachments.find(isInvite);
  const invite: Attachment = {
    filename: copy?.filename ?? 'invite.ics',
    contentType: `text/calendar; charset=utf-8${cal.method ? `; method=${cal.method}` : ''}`,
    content: Buffer.from(cal.content, 'utf8'),
    inline: false,
  };
  return [...parts.attachments.filter((a) => !isInvite(a)), invite];
}

/** A connection test timed from `started`: `failed` reports a failure, `done` anything else. */
export function testTimer(started = Date.now()) {
  const done = (r: Omit<TestResult, 'durationMs'>): TestResult => ({ ...r, durationMs: Date.now() - started });
  const failed = (f: Failure): TestResult =>
    done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) });
  return { done, failed };
}
