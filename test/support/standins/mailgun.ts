import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';
import type { SignedPost } from '../signed-post.js';

/**
 * A local stand-in for Mailgun's HTTP API, after Mailgun's documented wire format: HTTP Basic
 * auth with user `api` and the key as password, a refused key answered 401 "Forbidden";
 * GET /v4/domains/{domain} (the account's Private key only: a domain Sending key may only POST
 * to /messages and /messages.mime); POST /v3/{domain}/messages.mime as multipart/form-data with
 * `to` (every recipient, comma-separated) and `message` (the MIME, as a file), answered 200
 * `{"id": "<…@domain>", "message": "Queued. Thank you."}` or `{"message": "…"}`.
 */
export interface MailgunDomain {
  name: string;
  state: 'active' | 'unverified' | 'disabled';
  type: 'custom' | 'sandbox';
}

export interface MailgunSend {
  domain: string;
  to: string[];
  mime: string;
  parsed: ParsedMail;
  id: string;
  at: number;
}

const forbidden: Reply = { status: 401, text: 'Forbidden' };

export class MailgunStandin extends HttpStandin {
  readonly domains = new Map<string, MailgunDomain>();
  /** Private API keys (every domain), and Sending keys (one domain each). */
  readonly privateKeys: string[] = [];
  readonly sendingKeys = new Map<string, string>();
  readonly sends: MailgunSend[] = [];
  private readonly script: Reply[] = [];

  constructor() {
    super((req) => this.route(req));
  }

  addDomain(name: string, state: MailgunDomain['state'] = 'active', type: MailgunDomain['type'] = 'custom'): void {
    this.domains.set(name, { name, state, type });
  }

  addPrivateKey(): string {
    const key = `${crypto.randomBytes(16).toString('hex')}-${crypto.randomBytes(4).toString('hex')}-${crypto.randomBytes(4).toString('hex')}`;
    this.privateKeys.push(key);
    return key;
  }

  addSendingKey(domain: string): string {
    const key = `${crypto.randomBytes(16).toString('hex')}-${crypto.randomBytes(4).toString('hex')}-${crypto.randomBytes(4).toString('hex')}`;
    this.sendingKeys.set(key, domain);
    return key;
  }

  /** The next messages.mime calls answer these, in order, before normal service resumes. */
  queue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  private keyOf(req: Recorded): string | undefined {
    const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!basic) return undefined;
    const [user, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return user === 'api' ? rest.join(':') : undefined;
  }

  private async route(req: Recorded): Promise<Reply> {
    const key = this.keyOf(req);
    const isPrivate = key !== undefined && this.privateKeys.includes(key);
    const domainRead = /^\/v4\/domains\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && domainRead) {
      if (!isPrivate) return forbidden;
      const d = this.domains.get(decodeURIComponent(domainRead[1]!));
      if (!d) return { status: 404, json: { message: 'Domain not found' } };
      return { status: 200, json: { domain: { name: d.name, state: d.state, type: d.type, created_at: 'Mon, 02 Nov 2026 10:00:00 GMT', smtp_login: `postmaster@${d.name}`, spam_action: 'disabled', wildcard: false, require_tls: false, skip_verification: false, web_scheme: 'https' }, receiving_dns_records: [], sending_dns_records: [{ record_type: 'TXT', valid: d.state === 'active' ? 'valid' : 'unknown', name: d.name, value: 'v=spf1 include:mailgun.org ~all' }] } };
    }
    const send = /^\/v3\/([^/]+)\/messages\.mime$/.exec(req.path);
    if (req.method !== 'POST' || !send) return { status: 404, json: { message: 'Not Found' } };
    const domain = decodeURIComponent(send[1]!);
    if (!isPrivate && !(key !== undefined && this.sendingKeys.get(key) === domain)) return forbidden;
    if (!this.domains.has(domain)) return { status: 404, json: { message: `Domain not found: ${domain}` } };
    const scripted = this.script.shift();
    if (scripted) return scripted;
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
    } catch {
      return { status: 400, json: { message: 'Invalid request body: expected multipart/form-data' } };
    }
    // `to` may come once with commas or repeated, one field per recipient (as mailgun.js sends a list).
    const to = form.getAll('to').flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((s) => s.trim()).filter(Boolean);
    if (!to.length) return { status: 400, json: { message: '\'to\' parameter is missing' } };
    const message = form.get('message');
    if (message === null) return { status: 400, json: { message: '\'message\' parameter is missing' } };
    const mime = typeof message === 'string' ? message : await message.text();
    const parsed = await simpleParser(mime, { keepCidLinks: true });
    if (!parsed.from) return { status: 400, json: { message: '\'from\' parameter is missing' } };
    const id = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}.${crypto.randomBytes(8).toString('hex')}@${domain}`;
    this.sends.push({ domain, to, mime, parsed, id, at: Date.now() });
    return { status: 200, json: { id: `<${id}>`, message: 'Queued. Thank you.' } };
  }

  /** The account's HTTP webhook signing key (Sending → Webhooks). */
  readonly webhookSigningKey = crypto.randomBytes(16).toString('hex');

  /** An event as Mailgun posts it: `signature` = hex HMAC-SHA256 of timestamp + token with the signing key. */
  eventPost(url: string, eventData: object, opts: { timestamp?: number; token?: string } = {}): SignedPost {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const token = opts.token ?? crypto.randomBytes(25).toString('hex');
    const signature = crypto.createHmac('sha256', this.webhookSigningKey).update(timestamp + token).digest('hex');
    return { url, body: JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData }), headers: { 'user-agent': 'mailgun/treq-16.12.0' } };
  }
}
