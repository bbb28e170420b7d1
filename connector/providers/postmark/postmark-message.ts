/**
 * The outbox's message as Postmark's email API takes it (POST /email, "Send a single email",
 * https://postmarkapp.com/developer/api/email-api): addresses as comma-separated strings, the
 * bodies, custom headers as `{Name, Value}` and files base64-encoded. The parts are read back
 * from the MIME nodemailer built (../http/mime-parts.ts), never rebuilt from the action's input.
 */
import { apiAttachments, formatAddress } from '../http/json-api.js';
import type { Address, MessageParts } from '../http/mime-parts.js';

export interface PostmarkAttachment {
  Name: string;
  Content: string;
  ContentType: string;
  /** Postmark's inline image convention: `cid:` and the id the html refers to. */
  ContentID?: string;
}

export interface PostmarkEmail {
  From: string;
  To?: string;
  Cc?: string;
  Bcc?: string;
  ReplyTo?: string;
  Subject: string;
  TextBody?: string;
  HtmlBody?: string;
  Headers: Array<{ Name: string; Value: string }>;
  Attachments: PostmarkAttachment[];
  MessageStream: string;
}

const list = (as: Address[]): string | undefined => (as.length ? as.map(formatAddress).join(', ') : undefined);

/**
 * The JSON body for one message. Envoi's Message-ID goes with the custom headers so that copies
 * of a retried send share it; Postmark still answers with its own MessageID, which its bounce and
 * delivery webhooks carry, and which is recorded as the provider's id.
 */
export function postmarkEmail(parts: MessageParts, messageStream: string): PostmarkEmail {
  const headers = parts.headers.map(([Name, Value]) => ({ Name, Value }));
  if (parts.messageId) headers.push({ Name: 'Message-ID', Value: parts.messageId });
  const attachments: PostmarkAttachment[] = apiAttachments(parts).map((a) => ({
    Name: a.filename,
    Content: a.content.toString('base64'),
    ContentType: a.contentType,
    ...(a.inline && a.contentId ? { ContentID: `cid:${a.contentId}` } : {}),
  }));
  const email: PostmarkEmail = {
    From: formatAddress(parts.from),
    Subject: parts.subject,
    Headers: headers,
    Attachments: attachments,
    MessageStream: messageStream,
  };
  const to = list(parts.to);
  const cc = list(parts.cc);
  const bcc = list(parts.bcc);
  const replyTo = list(parts.replyTo);
  if (to) email.To = to;
  if (cc) email.Cc = cc;
  if (bcc) email.Bcc = bcc;
  if (replyTo) email.ReplyTo = replyTo;
  if (parts.text !== undefined) email.TextBody = parts.text;
  if (parts.html !== undefined) email.HtmlBody = parts.html;
  return email;
}
