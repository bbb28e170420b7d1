/**
 * The outbox's message as Resend's API takes it (POST /emails,
 * https://resend.com/docs/api-reference/emails/send-email): address lists as arrays, the bodies,
 * custom headers as an object and files base64-encoded, an inline image with the `content_id`
 * its html refers to (https://resend.com/docs/dashboard/emails/embed-inline-images). The parts
 * are read back from the MIME nodemailer built (../http/mime-parts.ts).
 */
import crypto from 'node:crypto';
import { apiAttachments, formatAddress } from '../http/json-api.js';
import type { MessageParts } from '../http/mime-parts.js';

export interface ResendAttachment {
  filename: string;
  content: string;
  content_type: string;
  content_id?: string;
}

export interface ResendEmail {
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  reply_to?: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: ResendAttachment[];
}

/** The JSON body for one message. */
export function resendEmail(parts: MessageParts): ResendEmail {
  const headers: Record<string, string> = Object.fromEntries(parts.headers);
  // Envoi's Message-ID rides along as a custom header, so every copy of a retried send shares it.
  if (parts.messageId) headers['Message-ID'] = parts.messageId;
  const attachments: ResendAttachment[] = apiAttachments(parts).map((a) => ({
    filename: a.filename,
    content: a.content.toString('base64'),
    content_type: a.contentType,
    ...(a.inline && a.contentId ? { content_id: a.contentId } : {}),
  }));
  const email: ResendEmail = { from: formatAddress(parts.from), to: parts.to.map(formatAddress), subject: parts.subject };
  if (parts.cc.length) email.cc = parts.cc.map(formatAddress);
  if (parts.bcc.length) email.bcc = parts.bcc.map(formatAddress);
  if (parts.replyTo.length) email.reply_to = parts.replyTo.map(formatAddress);
  if (parts.html !== undefined) email.html = parts.html;
  if (parts.text !== undefined) email.text = parts.text;
  if (Object.keys(headers).length) email.headers = headers;
  if (attachments.length) email.attachments = attachments;
  return email;
}

/**
 * The Idempotency-Key of a send (https://resend.com/docs/dashboard/emails/idempotency-keys): the
 * delivery's Message-ID, stable across its retries, so a send whose answer was lost and is tried
 * again is not sent twice (Resend keeps a key for 24 hours). Keys are 1–256 characters: a longer
 * Message-ID is hashed.
 */
export function idempotencyKey(messageId: string): string | undefined {
  const id = messageId.replace(/^<|>$/g, '');
  if (!id) return undefined;
  return id.length <= 256 ? id : `sha256-${crypto.createHash('sha256').update(id).digest('hex')}`;
}
