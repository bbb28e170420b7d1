/**
 * The outbox's message as SendGrid's v3 Mail Send body (docs "Mail Send", POST /v3/mail/send),
 * built from its parts as ../http/mime-parts.ts reads them back, never re-rendered:
 * - one personalization with to, cc and bcc; SendGrid refuses an address twice in one
 *   personalization ("should be unique between to, cc, and bcc"), so a repeat is kept once, where
 *   it first appears;
 * - content text/plain first, then text/html (SendGrid refuses the other order);
 * - attachments with disposition and content_id for inline images (cid:, RFC 2392). A `type`
 *   may not hold ';' (SendGrid: "The attachment type cannot contain ';', or CRLF characters"),
 *   so types go bare; the calendar invite travels as an invite.ics attachment of type
 *   text/calendar, whose METHOD line (RFC 5546) is inside the file, since the v3 API has no
 *   alternative part;
 * - headers: Envoi's Message-ID (same on every attempt, design.md "Delivery"), X- headers and
 *   List-Unsubscribe; never one of the headers SendGrid reserves for itself.
 */
import type { Address, MessageParts } from '../http/mime-parts.js';

interface Email {
  email: string;
  name?: string;
}

export interface SendGridMail {
  personalizations: Array<{ to: Email[]; cc?: Email[]; bcc?: Email[] }>;
  from: Email;
  reply_to?: Email;
  reply_to_list?: Email[];
  subject: string;
  content: Array<{ type: string; value: string }>;
  attachments?: Array<{ content: string; filename: string; type: string; disposition: 'inline' | 'attachment'; content_id?: string }>;
  headers?: Record<string, string>;
}

/** Headers SendGrid sets itself and refuses in `headers` (docs "Mail Send": headers). */
const RESERVED = new Set(['x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc']);

const email = (a: Address): Email => (a.name ? { email: a.address, name: a.name } : { email: a.address });
const bare = (type: string) => type.split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';

/** to, cc and bcc with every address once (case-insensitive), where it first appears. */
function uniqueRecipients(parts: MessageParts): { to: Email[]; cc: Email[]; bcc: Email[] } {
  const seen = new Set<string>();
  const keep = (list: Address[]) => list.filter((a) => !seen.has(a.address.toLowerCase()) && seen.add(a.address.toLowerCase())).map(email);
  return { to: keep(parts.to), cc: keep(parts.cc), bcc: keep(parts.bcc) };
}

function attachmentsOf(parts: MessageParts): NonNullable<SendGridMail['attachments']> {
  const list: NonNullable<SendGridMail['attachments']> = parts.attachments.map((a) => ({
    content: a.content.toString('base64'),
    filename: a.filename,
    type: bare(a.contentType),
    disposition: a.inline ? 'inline' : 'attachment',
    ...(a.inline && a.contentId ? { content_id: a.contentId } : {}),
  }));
  if (!parts.calendar) return list;
  // nodemailer adds the invite's .ics as a file too (application/ics): that file becomes the
  // invite, typed text/calendar as mail clients expect of one (RFC 6047); added when missing.
  const ics = list.find((a) => a.type === 'application/ics' || a.type === 'text/calendar');
  if (ics) ics.type = 'text/calendar';
  else list.push({ content: Buffer.from(parts.calendar.content, 'utf8').toString('base64'), filename: 'invite.ics', type: 'text/calendar', disposition: 'attachment' });
  return list;
}

function headersOf(parts: MessageParts): Record<string, string> {
  const out: Record<string, string> = {};
  if (parts.messageId) out['Message-ID'] = parts.messageId;
  for (const [name, value] of parts.headers) {
    if (RESERVED.has(name.toLowerCase()) || Object.keys(out).some((k) => k.toLowerCase() === name.toLowerCase())) continue;
    out[name] = value;
  }
  return out;
}

/** The v3 body of the outbox's message. */
export function mailSendBody(parts: MessageParts): SendGridMail {
  const { to, cc, bcc } = uniqueRecipients(parts);
  const content = [
    ...(parts.text ? [{ type: 'text/plain', value: parts.text }] : []),
    ...(parts.html ? [{ type: 'text/html', value: parts.html }] : []),
  ];
  const attachments = attachmentsOf(parts);
  const headers = headersOf(parts);
  const replyTo = parts.replyTo.map(email);
  return {
    personalizations: [{ to, ...(cc.length ? { cc } : {}), ...(bcc.length ? { bcc } : {}) }],
    from: email(parts.from),
    // reply_to takes one address; reply_to_list several (and the two may not be combined).
    ...(replyTo.length === 1 ? { reply_to: replyTo[0]! } : replyTo.length > 1 ? { reply_to_list: replyTo } : {}),
    subject: parts.subject,
    // SendGrid needs one content block with a value of at least one character.
    content: content.length ? content : [{ type: 'text/plain', value: ' ' }],
    ...(attachments.length ? { attachments } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
  };
}
