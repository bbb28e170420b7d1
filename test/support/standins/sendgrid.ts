import crypto from 'node:crypto';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';
import type { SignedPost } from '../signed-post.js';

/**
 * A local stand-in for SendGrid's Web API v3, after SendGrid's documented wire format:
 * `Authorization: Bearer <API key>`; GET /v3/scopes lists the key's scopes; POST /v3/mail/send
 * takes the v3 JSON body, checks it as SendGrid does (docs "Mail Send" and "Mail Send errors":
 * personalizations with `to`, unique addresses, from.email, subject, content with text/plain
 * before text/html, types without ';', base64 attachments, reserved headers) and answers 202
 * Accepted with X-Message-Id, or SendGrid's `{"errors": [{message, field, help}]}`.
 */
export interface SendGridKey {
  key: string;
  scopes: string[];
}

type Err = { message: string; field: string | null; help?: string | null };
const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RESERVED = ['x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc'];
const errors = (...list: Err[]): Reply => ({ status: 400, json: { errors: list.map((e) => ({ help: null, ...e })) } });
const unauthorized: Reply = { status: 401, json: { errors: [{ field: null, message: 'The provided authorization grant is invalid, expired, or revoked', help: null }] } };
const forbidden: Reply = { status: 403, json: { errors: [{ field: null, message: 'access forbidden', help: null }] } };

type Email = { email?: unknown; name?: unknown };
type Body = {
  personalizations?: Array<{ to?: Email[]; cc?: Email[]; bcc?: Email[]; subject?: unknown }>;
  from?: Email;
  subject?: unknown;
  reply_to?: Email;
  reply_to_list?: Email[];
  content?: Array<{ type?: unknown; value?: unknown }>;
  attachments?: Array<{ content?: unknown; filename?: unknown; type?: unknown; disposition?: unknown; content_id?: unknown }>;
  headers?: Record<string, unknown>;
};

/** The first thing SendGrid would refuse in a v3 body, or undefined. */
export function checkMailSend(b: Body): Reply | undefined {
  if (!Array.isArray(b.personalizations) || !b.personalizations.length) return errors({ message: 'The personalizations field is required and must have at least one personalization.', field: 'personalizations', help: `${HELP}#-Personalizations-Errors` });
  for (const [i, p] of b.personalizations.entries()) {
    if (!Array.isArray(p.to) || !p.to.length) return errors({ message: 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.', field: `personalizations.${i}.to` });
    const seen = new Set<string>();
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      for (const [j, e] of (p[kind] ?? []).entries()) {
        if (typeof e.email !== 'string' || !EMAIL.test(e.email)) return errors({ message: 'Does not contain a valid address.', field: `personalizations.${i}.${kind}.${j}.email` });
        const key = e.email.toLowerCase();
        if (seen.has(key)) return errors({ message: `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${e.email}] in the personalizations.${i}.${kind} field.`, field: `personalizations.${i}` });
        seen.add(key);
      }
    }
  }
  if (!b.from || typeof b.from !== 'object') return errors({ message: 'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.', field: 'from' });
  if (typeof b.from.email !== 'string' || !EMAIL.test(b.from.email)) return errors({ message: 'The from email does not contain a valid address.', field: 'from.email' });
  if (b.reply_to && b.reply_to_list) return errors({ message: 'The reply_to and reply_to_list parameters cannot be used together.', field: 'reply_to' });
  if ((typeof b.subject !== 'string' || !b.subject) && !b.personalizations.every((p) => typeof p.subject === 'string' && p.subject)) return errors({ message: 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.', field: 'subject' });
  if (!Array.isArray(b.content) || !b.content.length) return errors({ message: 'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.', field: 'content' });
  for (const [i, c] of b.content.entries()) {
    if (typeof c.type !== 'string' || /[;\r\n]/.test(c.type)) return errors({ message: 'The content type cannot contain \';\', or CRLF characters.', field: `content.${i}.type` });
    if (typeof c.value !== 'string' || !c.value.length) return errors({ message: 'The content value must be a string at least one character in length.', field: `content.${i}.value` });
  }
  const types = b.content.map((c) => c.type);
  if (types.includes('text/html') && types.includes('text/plain') && types.indexOf('text/plain') > types.indexOf('text/html')) return errors({ message: 'If present, text/plain and text/html may only be provided in order of text/plain first, then text/html.', field: 'content' });
  for (const [i, a] of (b.attachments ?? []).entries()) {
    if (typeof a.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.content)) return errors({ message: 'The attachment content must be base64 encoded.', field: `attachments.${i}.content` });
    if (typeof a.filename !== 'string' || !a.filename) return errors({ message: 'The attachment filename parameter is required.', field: `attachments.${i}.filename` });
    if (a.type !== undefined && (typeof a.type !== 'string' || /[;\r\n]/.test(a.type))) return errors({ message: 'The attachment type cannot contain \';\', or CRLF characters.', field: `attachments.${i}.type` });
    if (a.disposition !== undefined && a.disposition !== 'inline' && a.disposition !== 'attachment') return errors({ message: 'The disposition of your attachment can be either "inline" or "attachment".', field: `attachments.${i}.disposition` });
  }
  for (const [name, value] of Object.entries(b.headers ?? {})) {
    if (typeof value !== 'string') return errors({ message: 'Invalid type. Expected: string, given: other.', field: `headers.${name}` });
    if (RESERVED.includes(name.toLowerCase())) return errors({ message: `The header '${name}' is reserved and cannot be set in headers.`, field: `headers.${name}` });
  }
  return undefined;
}

export class SendGridStandin extends HttpStandin {
  readonly keys: SendGridKey[] = [];
  /** Accepted sends: the v3 body and the id answered. */
  readonly mails: Array<{ body: Body; messageId: string; key: string; at: number }> = [];
  /** Senders SendGrid knows as verified; empty: every sender passes. */
  readonly verified: string[] = [];
  private readonly script: Reply[] = [];

  constructor() {
    super((req) => this.route(req));
  }

  addKey(scopes: string[] = ['mail.send', 'alerts.read', 'user.profile.read']): string {
    const key = `SG.${crypto.randomBytes(16).toString('base64url')}.${crypto.randomBytes(32).toString('base64url')}`;
    this.keys.push({ key, scopes });
    return key;
  }

  /** The next mail/send calls answer these, in order, before normal service resumes. */
  queue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  static throttled(seconds: number, retryAfter = true): Reply {
    const headers: Record<string, string> = { 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds) };
    if (retryAfter) headers['retry-after'] = String(seconds);
    return { status: 429, headers, json: { errors: [{ field: null, message: 'too many requests' }] } };
  }

  private route(req: Recorded): Reply {
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const key = this.keys.find((k) => k.key === auth?.[1]);
    if (!auth) return { status: 401, json: { errors: [{ field: null, message: 'authorization required', help: null }] } };
    if (!key) return unauthorized;
    if (req.method === 'GET' && req.path === '/v3/scopes') return { status: 200, json: { scopes: key.scopes } };
    if (req.method !== 'POST' || req.path !== '/v3/mail/send') return { status: 404, json: { errors: [{ field: null, message: 'resource not found' }] } };
    if (!key.scopes.includes('mail.send')) return forbidden;
    const scripted = this.script.shift();
    if (scripted) return scripted;
    if (req.json === undefined) return errors({ message: 'Bad Request', field: null });
    const body = req.json as Body;
    const refused = checkMailSend(body);
    if (refused) return refused;
    const from = String(body.from!.email).toLowerCase();
    if (this.verified.length && !this.verified.includes(from)) {
      return { status: 403, json: { errors: [{ message: 'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements', field: 'from', help: null }] } };
    }
    const messageId = crypto.randomBytes(16).toString('base64url').slice(0, 22);
    this.mails.push({ body, messageId, key: key.key, at: Date.now() });
    return { status: 202, text: '', headers: { 'x-message-id': messageId } };
  }

  /** The Event Webhook's signing key pair (Signed Event Webhook Requests: SendGrid keeps the private half). */
  readonly eventKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  /** The verification key as the dashboard shows it: base64 of the DER public key. */
  get eventPublicKey(): string {
    return this.eventKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  /** Events as SendGrid posts them: ECDSA P-256 SHA-256 (base64 DER) over the timestamp header and the body. */
  eventPost(url: string, events: object[], timestamp = String(Math.floor(Date.now() / 1000))): SignedPost {
    const body = JSON.stringify(events);
    const signature = crypto.sign('sha256', Buffer.from(timestamp + body), { key: this.eventKeys.privateKey, dsaEncoding: 'der' }).toString('base64');
    return { url, body, headers: { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp, 'user-agent': 'SendGrid Event API' } };
  }
}
