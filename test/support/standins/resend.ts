import crypto from 'node:crypto';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';
import type { SignedPost } from '../signed-post.js';

/**
 * A local stand-in for Resend's API, following its documented wire format
 * (https://resend.com/docs/api-reference): `Authorization: Bearer re_…` on every request, errors
 * as `{statusCode, name, message}` (https://resend.com/docs/api-reference/errors): a missing key
 * 401 missing_api_key, an unknown key `validation_error` "API key is invalid" (401 on sending, 400
 * elsewhere), a sending-only key 401 restricted_api_key outside sending. GET /domains lists the
 * team's domains (paginated with limit/after); POST /emails answers 200 `{id}`, 422
 * validation_error for a malformed message, 403 for a From domain that is not verified, and
 * honours Idempotency-Key (the same key and body answer the first id; another body is 409).
 */
export interface ResendKey {
  key: string;
  access: 'full_access' | 'sending_access';
}

export interface ResendDomain {
  id: string;
  name: string;
  status: 'verified' | 'pending' | 'not_started' | 'failed' | 'temporary_failure';
}

export interface ResendEmailBody {
  from?: string;
  to?: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  reply_to?: string | string[];
  subject?: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: Array<{ filename?: string; content?: string; content_type?: string; content_id?: string; path?: string }>;
}

const error = (statusCode: number, name: string, message: string, headers?: Record<string, string>): Exclude<Reply, string> => ({ status: statusCode, json: { statusCode, name, message }, ...(headers ? { headers } : {}) });
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const addressOf = (s: string) => (/<([^>]*)>\s*$/.exec(s)?.[1] ?? s).trim().toLowerCase();

export class ResendStandin {
  readonly http = new HttpStandin((r) => this.route(r));
  readonly keys: ResendKey[] = [];
  readonly domains: ResendDomain[] = [];
  readonly sends: Array<{ body: ResendEmailBody; id: string; idempotencyKey?: string }> = [];
  private readonly idempotent = new Map<string, { hash: string; id: string }>();
  private readonly script: Reply[] = [];
  /** The next this many accepted sends are kept, then the connection drops before the answer. */
  loseAnswers = 0;

  get url(): string {
    return this.http.url;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  addKey(access: ResendKey['access'] = 'full_access'): ResendKey {
    const k = { key: `re_${crypto.randomBytes(6).toString('base64url')}_${crypto.randomBytes(18).toString('base64url')}`, access };
    this.keys.push(k);
    return k;
  }

  addDomain(name: string, status: ResendDomain['status'] = 'verified'): ResendDomain {
    const d = { id: crypto.randomUUID(), name, status };
    this.domains.push(d);
    return d;
  }

  /** The next POST /emails calls answer these, in order, before normal service resumes. */
  queue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  static throttled(retryAfter: number): Reply {
    return error(429, 'rate_limit_exceeded', 'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.', {
      'retry-after': String(retryAfter), 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': String(retryAfter),
    });
  }

  static failing(): Reply {
    return error(500, 'application_error', 'An unexpected error occurred.');
  }

  private route(r: Recorded): Reply {
    const auth = r.headers.authorization;
    if (!auth) return error(401, 'missing_api_key', 'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY');
    const key = this.keys.find((k) => auth === `Bearer ${k.key}`);
    const sending = r.method === 'POST' && r.path === '/emails';
    if (!key) return error(sending ? 401 : 400, 'validation_error', 'API key is invalid');
    if (sending) return this.email(r);
    if (key.access !== 'full_access') return error(401, 'restricted_api_key', 'This API key is restricted to only send emails');
    if (r.method === 'GET' && r.path === '/domains') return this.listDomains(r);
    return error(404, 'not_found', 'The requested endpoint does not exist.');
  }

  private listDomains(r: Recorded): Reply {
    const limit = Math.min(Number(r.query.get('limit') ?? 20), 100);
    const after = r.query.get('after');
    const start = after ? this.domains.findIndex((d) => d.id === after) + 1 : 0;
    const page = this.domains.slice(start, start + limit);
    const data = page.map((d) => ({ ...d, created_at: '2026-01-01 00:00:00.000000+00', region: 'us-east-1', capabilities: { sending: 'enabled', receiving: 'disabled' } }));
    return { status: 200, json: { object: 'list', has_more: start + limit < this.domains.length, data } };
  }

  private email(r: Recorded): Reply {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const b = r.json as ResendEmailBody | undefined;
    if (!b) return error(422, 'validation_error', 'Invalid JSON body.');
    const key = r.headers['idempotency-key'] as string | undefined;
    if (key !== undefined && (key.length < 1 || key.length > 256)) return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
    if (!b.from) return error(422, 'validation_error', 'Missing `from` field.');
    if (!list(b.to).length) return error(422, 'validation_error', 'Missing `to` field.');
    if (b.subject === undefined) return error(422, 'validation_error', 'Missing `subject` field.');
    if (list(b.to).length > 50) return error(422, 'validation_error', 'Too many recipients in `to` field. Max 50.');
    for (const a of b.attachments ?? []) {
      if (!a.content && !a.path) return error(422, 'validation_error', 'Attachment must have either `content` or `path`.');
      if (a.content_id && a.content_id.length >= 128) return error(422, 'validation_error', '`content_id` must be less than 128 characters.');
    }
    const domain = addressOf(b.from).split('@')[1] ?? '';
    if (!this.domains.some((d) => d.name === domain && d.status === 'verified')) {
      return error(403, 'validation_error', `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`);
    }
    const hash = crypto.createHash('sha256').update(r.body).digest('hex');
    const seen = key !== undefined ? this.idempotent.get(key) : undefined;
    if (seen && seen.hash !== hash) return error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload. Change your idempotency key or payload.');
    // The same key and body within 24 hours: the first answer again, and no second mail.
    if (seen) return { status: 200, json: { id: seen.id } };
    const id = crypto.randomUUID();
    if (key !== undefined) this.idempotent.set(key, { hash, id });
    this.sends.push({ body: b, id, ...(key !== undefined ? { idempotencyKey: key } : {}) });
    if (this.loseAnswers > 0) {
      this.loseAnswers--;
      return 'reset';
    }
    return { status: 200, json: { id } };
  }

  /** The endpoint's signing secret (Webhooks → endpoint → Signing secret). */
  readonly webhookSecret = `whsec_${crypto.randomBytes(24).toString('base64')}`;

  /** An event as Resend posts it through Svix: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
  eventPost(url: string, payload: object, opts: { id?: string; timestamp?: number } = {}): SignedPost {
    const id = opts.id ?? `msg_${crypto.randomBytes(12).toString('hex')}`;
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const body = JSON.stringify(payload);
    const key = Buffer.from(this.webhookSecret.slice('whsec_'.length), 'base64');
    const signature = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    return { url, body, headers: { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` } };
  }
}
