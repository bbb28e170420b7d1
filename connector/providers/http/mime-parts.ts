/**
 * The outbox's message read back into its parts, for the email APIs that take JSON instead of
 * MIME (SendGrid, Postmark, Resend). The message is built once by nodemailer (design.md
 * "Delivery"); an API provider sends that same message, so what it sends is read from it, never
 * rebuilt from the action's input. mailparser does the reading (RFC 5322 headers, RFC 2047 words,
 * RFC 2045 transfer encodings); this module only picks what an API asks for.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { RawMessage } from '../provider.js';

export interface Address {
  address: string;
  name?: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Set for an inline image the html shows through `cid:` (RFC 2392), without the angle brackets. */
  contentId?: string;
  inline: boolean;
}

export interface MessageParts {
  from: Address;
  to: Address[];
  cc: Address[];
  /** The envelope's recipients that no header names (Bcc is in the envelope only, RFC 5321 §3.3). */
  bcc: Address[];
  replyTo: Address[];
  subject: string;
  text?: string;
  html?: string;
  /** Files, inline images and the calendar invite's .ics file (inline images first, as nodemailer nests them). */
  attachments: Attachment[];
  /**
   * The calendar invite (the text/calendar alternative of RFC 6047, `method` from its
   * Content-Type), for APIs that take it as an attachment only.
   */
  calendar?: { content: string; method?: string };
  /** Envoi's Message-ID, with its angle brackets. */
  messageId: string;
  /** Custom `X-` headers, List-Unsubscribe (RFC 2369, RFC 8058) and priority headers, as sent. */
  headers: Array<[string, string]>;
}

const KEPT_HEADER = /^(x-.+|list-unsubscribe|list-unsubscribe-post|importance|priority)$/i;

const addresses = (field: AddressObject | AddressObject[] | undefined): Address[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((a) => a.value)
    .filter((v) => v.address)
    .map((v) => (v.name ? { address: v.address!, name: v.name } : { address: v.address! }));

/** The raw value of each kept header, unfolded (RFC 5322 §2.2.3). */
function keptHeaders(parsed: ParsedMail): Array<[string, string]> {
  return parsed.headerLines
    .filter((h) => KEPT_HEADER.test(h.key))
    .map((h) => {
      const colon = h.line.indexOf(':');
      return [h.line.slice(0, colon).trim(), h.line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim()] as [string, string];
    });
}

/** Reads the outbox's message into the parts an email API takes. */
export async function readMessage(message: RawMessage): Promise<MessageParts> {
  const parsed = await simpleParser(message.raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true });
  const from = addresses(parsed.from)[0] ?? { address: message.envelope.from };
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const named = new Set([...to, ...cc].map((a) => a.address.toLowerCase()));
  const headerBcc = addresses(parsed.bcc);
  const bcc = [...headerBcc, ...message.envelope.to.filter((r) => !named.has(r.toLowerCase()) && !headerBcc.some((b) => b.address.toLowerCase() === r.toLowerCase())).map((address) => ({ address }))];
  let calendar: MessageParts['calendar'];
  const attachments: Attachment[] = [];
  for (const a of parsed.attachments) {
    const type = a.contentType.toLowerCase();
    // nodemailer's icalEvent is an alternative of the text and html (no filename): the invite itself.
    if (type === 'text/calendar' && !a.filename && a.contentDisposition !== 'attachment') {
      const method = /method=("?)([A-Z]+)\1/i.exec(a.headers.get('content-type')?.toString() ?? '')?.[2] ?? (a.headers.get('content-type') as { params?: { method?: string } } | undefined)?.params?.method;
      calendar = { content: a.content.toString('utf8'), ...(method ? { method: method.toUpperCase() } : {}) };
      continue;
    }
    const cid = a.contentId ? a.contentId.replace(/^<|>$/g, '') : undefined;
    const inline = a.contentDisposition === 'inline' && cid !== undefined;
    attachments.push({ filename: a.filename ?? (type === 'text/calendar' ? 'invite.ics' : 'attachment'), contentType: a.contentType, content: a.content, ...(inline ? { contentId: cid } : {}), inline });
  }
  return {
    from,
    to,
    cc,
    bcc,
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject ?? '',
    ...(parsed.text !== undefined ? { text: parsed.text } : {}),
    ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
    attachments,
    ...(calendar ? { calendar } : {}),
    messageId: parsed.messageId ? `<${parsed.messageId.replace(/^<|>$/g, '')}>` : '',
    headers: keptHeaders(parsed),
  };
}
