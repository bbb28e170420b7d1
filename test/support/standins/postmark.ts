import crypto from 'node:crypto';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';
import type { SignedPost } from '../signed-post.js';

/**
 * A local stand-in for Postmark's API, following its documented wire format
 * (https://postmarkapp.com/developer/api/overview, /email-api, /server-api): every request carries
 * the server token in `X-Postmark-Server-Token` (401 with ErrorCode 10 otherwise); GET /server
 * answers the token's server; POST /email takes the JSON message and answers 200 with
 * `{To, SubmittedAt, MessageID, ErrorCode: 0, Message: "OK"}`, or 422 with `{ErrorCode, Message}`
 * as Postmark does: 300 for an invalid request, 400/401 for a sender without a (confirmed)
 * signature, 406 for an inactive recipient, 412 while the account is pending.
 */
export interface PostmarkServer {
  token: string;
  id: number;
  name: string;
  streams: string[];
}

export interface PostmarkEmailBody {
  From?: string;
  To?: string;
  Cc?: string;
  Bcc?: string;
  ReplyTo?: string;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  Headers?: Array<{ Name: string; Value: string }>;
  Attachments?: Array<{ Name: string; Content: string; ContentType: string; ContentID?: string }>;
  MessageStream?: string;
}

const pmError = (status: number, ErrorCode: number, Message: string): Exclude<Reply, string> => ({ status, json: { ErrorCode, Message } });
const addressOf = (s: string) => (/<([^>]*)>\s*$/.exec(s)?.[1] ?? s).trim().toLowerCase();
/** Splits a comma-separated address list, keeping commas inside quoted display names. */
const addresses = (s: string | undefined) => (s ?? '').match(/(?:"(?:[^"\\]|\\.)*"|[^,])+/g)?.map((a) => a.trim()).filter(Boolean) ?? [];

export class PostmarkStandin {
  /** Every request, recorded whole. */
  readonly http = new HttpStandin((r) => this.route(r));
  readonly servers: PostmarkServer[] = [];
  /** Confirmed sender signatures: addresses, or `@domain` for a verified domain. */
  readonly signatures = new Set<string>();
  /** Signatures added but not confirmed yet. */
  readonly unconfirmed = new Set<string>();
  /** Recipients suppressed after a hard bounce or complaint. */
  readonly inactive = new Set<string>();
  /** While pending, the account sends only to the From address's own domain. */
  pending = false;
  /** Accepted sends, with the MessageID given. */
  readonly sends: Array<{ body: PostmarkEmailBody; messageId: string; token: string }> = [];
  private readonly script: Reply[] = [];

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

  addServer(s: Partial<PostmarkServer> = {}): PostmarkServer {
    const server = { token: crypto.randomUUID(), id: 10_000 + this.servers.length, name: `Envoi test ${this.servers.length}`, streams: ['outbound', 'broadcast'], ...s };
    this.servers.push(server);
    return server;
  }

  /** The next POST /email calls answer these, in order, before normal service resumes. */
  queue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  static throttled(retryAfter?: number): Reply {
    return { ...pmError(429, 429, 'Rate limit exceeded. Please slow down.'), ...(retryAfter !== undefined ? { headers: { 'retry-after': String(retryAfter) } } : {}) };
  }

  static unavailable(): Reply {
    return pmError(503, 100, 'Postmark is undergoing maintenance; please try again shortly.');
  }

  private route(r: Recorded): Reply {
    const header = r.headers['x-postmark-server-token'];
    const server = this.servers.find((s) => typeof header === 'string' && s.token.toLowerCase() === header.trim().toLowerCase());
    if (!server) {
      return pmError(401, 10, header ? 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.' : 'No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.');
    }
    if (r.method === 'GET' && r.path === '/server') {
      return { status: 200, json: { ID: server.id, Name: server.name, ApiTokens: [server.token], Color: 'purple', SmtpApiActivated: true, RawEmailEnabled: false, DeliveryType: 'Live', TrackOpens: false, TrackLinks: 'None' } };
    }
    if (r.method === 'POST' && r.path === '/email') return this.email(r, server);
    return { status: 404, text: 'Not Found' };
  }

  private email(r: Recorded, server: PostmarkServer): Reply {
    if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) return pmError(422, 409, 'JSON required. Please send a JSON body with Content-Type: application/json.');
    if (r.json === undefined) return pmError(422, 402, 'Invalid JSON');
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const b = r.json as PostmarkEmailBody;
    if (!b.From) return pmError(422, 300, 'Invalid \'From\' address: \'\'.');
    const recipients = [...addresses(b.To), ...addresses(b.Cc), ...addresses(b.Bcc)];
    if (!addresses(b.To).length) return pmError(422, 300, 'Zero recipients specified');
    if (recipients.length > 50) return pmError(422, 300, 'Maximum of 50 recipients allowed per email message');
    if (!b.TextBody && !b.HtmlBody) return pmError(422, 300, 'Provide either email TextBody or HtmlBody or both.');
    for (const a of b.Attachments ?? []) {
      if (!a.Name || !a.Content || !a.ContentType) return pmError(422, 300, 'Attachments must have Name, Content and ContentType.');
      if (/\.(exe|bat|vbs|js)$/i.test(a.Name)) return pmError(422, 411, `Forbidden attachment type: ${a.Name}`);
    }
    const stream = b.MessageStream ?? 'outbound';
    if (!server.streams.includes(stream)) return pmError(422, 1235, `The 'MessageStream' provided does not exist on this server.`);
    const from = addressOf(b.From);
    const domain = from.split('@')[1] ?? '';
    if (this.unconfirmed.has(from)) return pmError(422, 401, `The 'From' address you supplied (${from}) has not been confirmed. Please confirm this Sender Signature before sending.`);
    if (!this.signatures.has(from) && !this.signatures.has(`@${domain}`)) {
      return pmError(422, 400, `The 'From' address you supplied (${from}) is not a Sender Signature on your account. Please add and confirm this address in order to be able to use it in the 'From' field of your messages.`);
    }
    if (this.pending && recipients.some((a) => addressOf(a).split('@')[1] !== domain)) {
      return pmError(422, 412, 'While your account is pending approval, all recipient addresses must share the same domain as the \'From\' address.');
    }
    const inactive = recipients.map(addressOf).filter((a) => this.inactive.has(a));
    if (inactive.length) {
      return pmError(422, 406, `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${inactive.join(', ')}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`);
    }
    const messageId = crypto.randomUUID();
    this.sends.push({ body: b, messageId, token: server.token });
    return { status: 200, json: { To: b.To, SubmittedAt: new Date().toISOString(), MessageID: messageId, ErrorCode: 0, Message: 'OK' } };
  }

  /** A webhook as Postmark posts it to a URL with credentials: they go in an Authorization: Basic header. */
  eventPost(eventUrl: string, payload: object): SignedPost {
    const u = new URL(eventUrl);
    const auth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
    u.username = '';
    u.password = '';
    return { url: u.toString(), body: JSON.stringify(payload), headers: { authorization: `Basic ${auth}`, 'user-agent': 'Postmark' } };
  }
}
