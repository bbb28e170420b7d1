import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * A local stand-in for the Microsoft identity platform's token endpoint (tokens for Graph, and
 * for Exchange Online's SMTP, checked by exchangeAccepts) and Microsoft Graph's sendMail, following Microsoft's documented wire format: the client-credentials grant
 * (POST /{tenant}/oauth2/v2.0/token, form-encoded) with AADSTS error bodies, and
 * POST /v1.0/users/{id}/sendMail with a base64 MIME body (Content-Type: text/plain) answered
 * 202 Accepted, 401 InvalidAuthenticationToken, 403 ErrorAccessDenied or 429 with Retry-After.
 */
export interface App {
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  secret: string;
  roles: string[];
  /** Mailboxes the app may send as (an application access policy); empty means all. */
  mailboxes: string[];
  /** Application permissions on Office 365 Exchange Online (the `roles` of an outlook.office365.com token). */
  exchangeRoles: string[];
  /** Mailboxes the app's Exchange service principal has FullAccess on (Add-MailboxPermission). */
  exchangeMailboxes: string[];
}

export interface GraphSend {
  mailbox: string;
  token: string;
  mime: string;
  parsed: ParsedMail;
  at: number;
}

type Scripted = { status: number; retryAfter?: number; body: unknown };
type Reply = { status: number; headers?: Record<string, string>; body?: unknown; drop?: boolean };

const GRAPH = 'https://graph.microsoft.com';
const EXCHANGE = 'https://outlook.office365.com';
/** The `.default` scopes the stand-in issues tokens for, and the audience of each. */
const RESOURCES: Record<string, string> = { [`${GRAPH}/.default`]: GRAPH, [`${EXCHANGE}/.default`]: EXCHANGE };

const trace = () => `Trace ID: ${crypto.randomUUID()} Correlation ID: ${crypto.randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`;

export class GraphStandIn {
  readonly apps: App[] = [];
  readonly sends: GraphSend[] = [];
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  tokenRequests = 0;
  /** The next this many sendMail requests are accepted (kept in `sends`), then the connection drops without an answer. */
  dropReplies = 0;
  /** Lifetime of issued tokens, in seconds. */
  tokenLifetime = 3599;
  private readonly tokens = new Map<string, { app: App; audience: string; expiresAt: number; revoked: boolean }>();
  private readonly script: Scripted[] = [];
  private server!: http.Server;
  url = '';

  addApp(app: Partial<App> = {}): App {
    const a: App = {
      tenantId: crypto.randomUUID(),
      tenantDomain: `contoso${this.apps.length}.onmicrosoft.com`,
      clientId: crypto.randomUUID(),
      secret: `${crypto.randomBytes(3).toString('hex')}~${crypto.randomBytes(18).toString('base64url')}`,
      roles: ['Mail.Send'],
      mailboxes: [],
      exchangeRoles: ['SMTP.SendAsApp'],
      exchangeMailboxes: [],
      ...app,
    };
    this.apps.push(a);
    return a;
  }

  /** The next sendMail calls answer these, in order, before normal service resumes. */
  queue(...responses: Scripted[]): void {
    this.script.push(...responses);
  }

  /** Revokes every token issued so far (Graph then answers 401). */
  revokeAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req, Buffer.concat(chunks).toString('utf8')).then(({ status, headers, body, drop }) => {
          if (drop) return void req.socket.destroy();
          this.requests.push({ method: req.method ?? '', path: req.url ?? '', status });
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'request-id': crypto.randomUUID(), ...headers });
          res.end(body === undefined ? '' : JSON.stringify(body));
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: http.IncomingMessage, body: string): Promise<Reply> {
    const url = new URL(req.url ?? '/', this.url);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === 'POST' && token) return this.token(decodeURIComponent(token[1]!), new URLSearchParams(body));
    const send = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(url.pathname);
    if (req.method === 'POST' && send) return this.sendMail(decodeURIComponent(send[1]!), req, body);
    return { status: 404, body: { error: { code: 'ResourceNotFound', message: 'Resource not found for the segment.' } } };
  }

  private token(tenant: string, form: URLSearchParams): Reply {
    this.tokenRequests++;
    const inTenant = this.apps.filter((a) => a.tenantId === tenant.toLowerCase() || a.tenantDomain === tenant.toLowerCase());
    if (inTenant.length === 0) {
      return {
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant. ${trace()}`,
          error_codes: [90002],
          timestamp: new Date().toISOString(),
          trace_id: crypto.randomUUID(),
          correlation_id: crypto.randomUUID(),
          error_uri: 'https://login.microsoftonline.com/error?code=90002',
        },
      };
    }
    const audience = RESOURCES[form.get('scope') ?? ''];
    if (form.get('grant_type') !== 'client_credentials' || !audience) {
      return { status: 400, body: { error: 'invalid_scope', error_description: `AADSTS70011: The provided request must include a 'scope' input parameter. ${trace()}`, error_codes: [70011] } };
    }
    const app = inTenant.find((a) => a.clientId === form.get('client_id'));
    if (!app) {
      return { status: 400, body: { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'. ${trace()}`, error_codes: [700016] } };
    }
    if (app.secret !== form.get('client_secret')) {
      return {
        status: 401,
        body: {
          error: 'invalid_client',
          error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'. ${trace()}`,
          error_codes: [7000215],
          timestamp: new Date().toISOString(),
          trace_id: crypto.randomUUID(),
          correlation_id: crypto.randomUUID(),
          error_uri: 'https://login.microsoftonline.com/error?code=7000215',
        },
      };
    }
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const roles = audience === EXCHANGE ? app.exchangeRoles : app.roles;
    const access = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ aud: audience, iss: `https://sts.windows.net/${app.tenantId}/`, tid: app.tenantId, appid: app.clientId, roles, iat: now, exp: now + this.tokenLifetime })}.${crypto.randomBytes(32).toString('base64url')}`;
    this.tokens.set(access, { app, audience, expiresAt: Date.now() + this.tokenLifetime * 1000, revoked: false });
    return { status: 200, body: { token_type: 'Bearer', expires_in: this.tokenLifetime, ext_expires_in: this.tokenLifetime, access_token: access } };
  }

  private async sendMail(mailbox: string, req: http.IncomingMessage, body: string): Promise<Reply> {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const t = bearer ? this.tokens.get(bearer) : undefined;
    if (!t || t.revoked || t.expiresAt < Date.now() || t.audience !== GRAPH) {
      return { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.', innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID() } } } };
    }
    const scripted = this.script.shift();
    if (scripted) {
      const headers: Record<string, string> = scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {};
      return { status: scripted.status, headers, body: scripted.body };
    }
    if (!t.app.roles.includes('Mail.Send') || (t.app.mailboxes.length > 0 && !t.app.mailboxes.includes(mailbox.toLowerCase()))) {
      return { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } };
    }
    if (!/^text\/plain/.test(req.headers['content-type'] ?? '')) {
      return { status: 400, body: { error: { code: 'ErrorMimeContentInvalidBase64String', message: 'Invalid base64 string for MIME content.' } } };
    }
    const mime = Buffer.from(body, 'base64').toString('utf8');
    const parsed = await simpleParser(mime);
    this.sends.push({ mailbox, token: bearer!, mime, parsed, at: Date.now() });
    if (this.dropReplies > 0) {
      this.dropReplies--;
      return { status: 0, drop: true };
    }
    return { status: 202 };
  }

  /**
   * What Exchange Online checks at AUTH XOAUTH2 (Microsoft Learn, "Authenticate an IMAP, POP or
   * SMTP connection using OAuth"): a live token for its resource carrying SMTP.SendAsApp, and a
   * service principal with rights on the mailbox named in the XOAUTH2 string.
   */
  exchangeAccepts(accessToken: string, mailbox: string): boolean {
    const t = this.tokens.get(accessToken);
    if (!t || t.revoked || t.expiresAt < Date.now() || t.audience !== EXCHANGE) return false;
    return t.app.exchangeRoles.includes('SMTP.SendAsApp') && t.app.exchangeMailboxes.includes(mailbox.toLowerCase());
  }

  static throttled(seconds: number): Scripted {
    return { status: 429, retryAfter: seconds, body: { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } } };
  }

  static denied(): Scripted {
    return { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
