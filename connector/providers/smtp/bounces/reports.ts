/**
 * Reads the two kinds of report a bounce mailbox receives (design.md "Bounces, complaints and
 * suppression"): delivery status notifications (RFC 3464: multipart/report with
 * report-type=delivery-status and a message/delivery-status part) and complaint reports (ARF,
 * RFC 5965: report-type=feedback-report and a message/feedback-report part). Both end with the
 * original message or its headers (message/rfc822 or text/rfc822-headers), whose Message-ID names
 * the delivery when a relay rewrote the envelope sender.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { parseFieldBlocks } from './fields.js';

/** One recipient of a DSN (RFC 3464 §2.3). */
export interface DsnRecipient {
  recipient: string;
  action: string;
  status: string | undefined;
  diagnostic: string | undefined;
}

/** What the returned original says (its headers only). */
export interface Returned {
  messageId: string | undefined;
  to: string[];
  returnPath: string | undefined;
}

export type Report =
  | { kind: 'dsn'; messageId: string | undefined; date: Date | undefined; recipients: DsnRecipient[]; returned: Returned; hints: string[] }
  | { kind: 'arf'; messageId: string | undefined; date: Date | undefined; feedbackType: string; recipients: string[]; returned: Returned; hints: string[] };

/** The report type of a top-level Content-Type, or undefined for mail that is not a report. */
export function reportTypeOf(contentType: string | undefined, params: Record<string, string> = {}): 'delivery-status' | 'feedback-report' | undefined {
  if (contentType?.toLowerCase() !== 'multipart/report') return undefined;
  const t = params['report-type']?.toLowerCase();
  return t === 'delivery-status' || t === 'feedback-report' ? t : undefined;
}

const address = (field: string | undefined): string | undefined => {
  // "rfc822; user@example.com" (RFC 3464 §2.3.2): the address after the type.
  const v = field?.replace(/^[^;]*;/, '').trim().replace(/^<|>$/g, '');
  return v && v.includes('@') ? v.toLowerCase() : undefined;
};

const headerText = (p: ParsedMail, name: string): string[] => {
  const v = p.headers.get(name);
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (typeof v === 'object' && v !== null && 'text' in v) return [(v as { text: string }).text];
  return [String(v)];
};

async function returnedOf(p: ParsedMail): Promise<Returned> {
  const part = p.attachments.find((a) => /^(message\/(rfc822|global)|text\/rfc822-headers|message\/global-headers)$/i.test(a.contentType));
  if (!part) return { messageId: undefined, to: [], returnPath: undefined };
  const inner = await simpleParser(part.content, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  const to = inner.to ? (Array.isArray(inner.to) ? inner.to : [inner.to]).flatMap((a) => a.value.map((x) => x.address?.toLowerCase() ?? '')).filter(Boolean) : [];
  return { messageId: inner.messageId, to, returnPath: headerText(inner, 'return-path')[0] };
}

/** Parses a report, or answers undefined for mail that is not one (it is left alone). */
export async function readReport(raw: Buffer): Promise<Report | undefined> {
  const p = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true } as Parameters<typeof simpleParser>[1]);
  const ct = p.headers.get('content-type') as { value: string; params: Record<string, string> } | undefined;
  const type = reportTypeOf(ct?.value, ct?.params);
  if (!type) return undefined;
  const returned = await returnedOf(p);
  // Where a VERP token may show: the addresses the report was delivered to, and the original's Return-Path.
  const hints = [...['to', 'x-original-to', 'delivered-to', 'envelope-to', 'x-envelope-to'].flatMap((h) => headerText(p, h)), returned.returnPath ?? ''];
  const common = { messageId: p.messageId, date: p.date, returned };
  if (type === 'delivery-status') {
    const part = p.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
    if (!part) return undefined;
    const [perMessage, ...perRecipient] = parseFieldBlocks(part.content.toString('utf8'));
    // Postfix names the envelope sender it bounced for (X-Postfix-Sender), Exim and Exchange do not.
    for (const [k, v] of perMessage ?? []) if (/sender|envelope/i.test(k)) hints.push(v);
    const recipients = perRecipient.flatMap((f) => {
      const recipient = address(f.get('final-recipient')) ?? address(f.get('original-recipient'));
      const action = f.get('action')?.toLowerCase().trim();
      if (!recipient || !action) return [];
      return [{ recipient, action, status: /\d\.\d{1,3}\.\d{1,3}/.exec(f.get('status') ?? '')?.[0], diagnostic: f.get('diagnostic-code')?.replace(/\s+/g, ' ').slice(0, 500) }];
    });
    return { kind: 'dsn', ...common, recipients, hints };
  }
  const part = p.attachments.find((a) => /^message\/feedback-report$/i.test(a.contentType));
  if (!part) return undefined;
  const f = parseFieldBlocks(part.content.toString('utf8'))[0] ?? new Map<string, string>();
  hints.push(f.get('original-mail-from') ?? '');
  // Original-Rcpt-To (RFC 5965 §3.2) when the reporter kept it, else the original's To.
  const rcpt = address(f.get('original-rcpt-to'));
  return { kind: 'arf', ...common, feedbackType: (f.get('feedback-type') ?? '').trim().toLowerCase(), recipients: rcpt ? [rcpt] : returned.to, hints };
}
