import { simpleParser } from 'mailparser';

/** A captured message read back for people (the admin page's Mailbox), parsed with mailparser. */
export interface MailView {
  from: string;
  to: string;
  cc: string;
  subject: string;
  date: string | null;
  messageId: string | null;
  text: string;
  html: string | null;
  headers: Array<{ name: string; value: string }>;
  attachments: Array<{ filename: string | null; contentType: string; size: number; inline: boolean; contentId: string | null }>;
}

/** Parses a raw RFC 5322 message into what a reader shows: its headers as written, text, html and attachments. */
export async function mailView(raw: string | Buffer): Promise<MailView> {
  const p = await simpleParser(raw);
  const addr = (v: typeof p.to) => (v ? (Array.isArray(v) ? v.map((x) => x.text).join(', ') : v.text) : '');
  return {
    from: p.from?.text ?? '',
    to: addr(p.to),
    cc: addr(p.cc),
    subject: p.subject ?? '',
    date: p.date ? p.date.toISOString() : null,
    messageId: p.messageId ?? null,
    text: p.text ?? '',
    html: typeof p.html === 'string' ? p.html : null,
    headers: p.headerLines.map((h) => ({ name: h.key, value: h.line.slice(h.line.indexOf(':') + 1).trim() })),
    attachments: p.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size, inline: !!a.related, contentId: a.contentId ?? null })),
  };
}
