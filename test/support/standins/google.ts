import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';

/**
 * A local stand-in for Google's OAuth 2.0 token endpoint and the Gmail API, following Google's
 * documented wire format. The token endpoint takes the JWT bearer grant (RFC 7523 §2.1, form
 * POST /token) and checks the assertion as Google does: an RS256 signature verified with the
 * service account's public key (node:crypto, independently of the signer), iss, aud = the token
 * URL, scope, a lifetime of at most an hour; then whether the user `sub` exists and the domain
 * delegated the scope to the account's client id. It answers with Google's own error bodies.
 * Gmail's users.messages.send (JSON `{raw}` in base64url, or the media upload of message/rfc822)
 * checks the bearer token and the user path and answers `{id, threadId, labelIds: ["SENT"]}`.
 */
export interface ServiceAccount {
  clientEmail: string;
  clientId: string;
  /** The JSON key file, as the Cloud console downloads it. */
  key: Record<string, string>;
  publicKey: crypto.KeyObject;
}

export interface GmailSend {
  user: string;
  token: string;
  via: 'json' | 'upload';
  mime: string;
  parsed: ParsedMail;
  id: string;
  at: number;
}

const SCOPE = 'https://www.googleapis.com/auth/gmail.send';
const gError = (code: number, status: string, message: string, reason: string): Reply => ({
  status: code,
  json: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } },
});
const oauthError = (status: number, error: string, description: string): Reply => ({ status, json: { error, error_description: description } });
const UNAUTHENTICATED = gError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.', 'authError');

export class GoogleStandIn {
  readonly accounts = new Map<string, ServiceAccount>();
  /** Workspace users that exist (a `sub` outside this set is "Invalid email or User ID"). */
  readonly users = new Set<string>();
  /** Domain-wide delegation: client id → scopes granted. */
  readonly delegated = new Map<string, string[]>();
  readonly sends: GmailSend[] = [];
  readonly assertions: Array<Record<string, unknown>> = [];
  tokenRequests = 0;
  private readonly tokens = new Map<string, { sub: string; scope: string; expiresAt: number; revoked: boolean }>();
  private readonly script: Reply[] = [];
  readonly http = new HttpStandin((r) => this.handle(r));

  /** `audience`: the aud an assertion must name (default: this stand-in's token URL; Google's own for its client library). */
  constructor(private readonly opts: { audience?: string } = {}) {}

  get url(): string {
    return this.http.url;
  }
  get tokenUrl(): string {
    return `${this.http.url}/token`;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  /** A service account with a fresh RSA key pair; `delegated` grants it gmail.send in the domain. */
  addServiceAccount(opts: { delegated?: boolean } = {}): ServiceAccount {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const n = this.accounts.size + 1;
    const clientId = `1${crypto.randomInt(10 ** 9, 10 ** 10 - 1)}${String(n).padStart(10, '0')}`;
    const clientEmail = `envoi-sender-${n}@contoso-mail.iam.gserviceaccount.com`;
    const key = {
      type: 'service_account', project_id: 'contoso-mail', private_key_id: crypto.randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), client_email: clientEmail, client_id: clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth', token_uri: 'https://oauth2.googleapis.com/token',
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`, universe_domain: 'googleapis.com',
    };
    const account = { clientEmail, clientId, key, publicKey };
    this.accounts.set(clientEmail, account);
    if (opts.delegated !== false) this.delegated.set(clientId, [SCOPE]);
    return account;
  }

  /** The next Gmail sends answer these, in order, before normal service resumes. */
  queue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  /** Revokes every token issued so far (Gmail then answers 401). */
  revokeAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  static throttled(retryAfterS: number): Reply {
    const r = gError(429, 'RESOURCE_EXHAUSTED', 'User-rate limit exceeded.', 'rateLimitExceeded') as { status: number; json: unknown };
    return { ...r, headers: { 'retry-after': String(retryAfterS) } };
  }
  static unavailable(): Reply {
    return gError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'backendError');
  }
  static invalid(message: string): Reply {
    return gError(400, 'INVALID_ARGUMENT', message, 'invalidArgument');
  }
  static dailyLimit(): Reply {
    return gError(403, 'PERMISSION_DENIED', 'User-rate limit exceeded. Retry after 2099-01-01T00:00:00.000Z', 'userRateLimitExceeded');
  }

  private handle(r: Recorded): Reply | Promise<Reply> {
    if (r.method === 'POST' && r.path === '/token') return this.token(r);
    const send = /^\/(upload\/)?gmail\/v1\/users\/([^/]+)\/messages\/send$/.exec(r.path);
    if (r.method === 'POST' && send) return this.send(r, decodeURIComponent(send[2]!), send[1] ? 'upload' : 'json');
    return gError(404, 'NOT_FOUND', 'Not Found', 'notFound');
  }

  private token(r: Recorded): Reply {
    this.tokenRequests++;
    const form = new URLSearchParams(r.body.toString('utf8'));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return oauthError(400, 'invalid_request', 'Invalid JWT: token is malformed.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return oauthError(400, 'invalid_request', 'Invalid JWT: token is malformed.');
    }
    const account = this.accounts.get(String(claims.iss));
    if (!account) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (header.alg !== 'RS256' || !crypto.verify('RSA-SHA256', signed, account.publicKey, Buffer.from(parts[2]!, 'base64url'))) {
      return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    }
    this.assertions.push({ header, ...claims });
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (!(exp > now && iat <= now + 300 && exp - iat <= 3600)) {
      return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const audience = this.opts.audience ?? this.tokenUrl;
    if (claims.aud !== audience) return oauthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${audience}`);
    const scopes = String(claims.scope ?? '').split(' ').filter(Boolean);
    if (!scopes.length) return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const sub = typeof claims.sub === 'string' ? claims.sub.toLowerCase() : '';
    if (sub) {
      if (!this.users.has(sub)) return oauthError(400, 'invalid_grant', 'Invalid email or User ID');
      const granted = this.delegated.get(account.clientId) ?? [];
      if (!scopes.every((s) => granted.includes(s))) {
        return oauthError(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
      }
    }
    const accessToken = `ya29.${crypto.randomBytes(32).toString('base64url')}`;
    this.tokens.set(accessToken, { sub: sub || account.clientEmail, scope: scopes.join(' '), expiresAt: Date.now() + 3599_000, revoked: false });
    return { status: 200, json: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' } };
  }

  private async send(r: Recorded, user: string, via: 'json' | 'upload'): Promise<Reply> {
    const bearer = /^Bearer (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1] ?? '';
    const t = this.tokens.get(bearer);
    if (!t || t.revoked || t.expiresAt < Date.now()) return UNAUTHENTICATED;
    if (!t.scope.split(' ').includes(SCOPE)) return gError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'insufficientPermissions');
    const who = user.toLowerCase() === 'me' ? t.sub : user.toLowerCase();
    if (who !== t.sub) return gError(403, 'PERMISSION_DENIED', `Delegation denied for ${t.sub}`, 'forbidden');
    const scripted = this.script.shift();
    if (scripted) return scripted;
    let mime: Buffer;
    if (via === 'upload') {
      if (r.query.get('uploadType') !== 'media' || r.headers['content-type'] !== 'message/rfc822') return gError(400, 'INVALID_ARGUMENT', 'Media type \'' + String(r.headers['content-type']) + '\' is not supported. Valid media types: [message/*]', 'badContent');
      mime = r.body;
    } else {
      const raw = (r.json as { raw?: unknown } | undefined)?.raw;
      // Gmail takes base64url (RFC 4648 §5); standard base64's '+' and '/' fail to decode.
      if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(raw)) return gError(400, 'INVALID_ARGUMENT', 'Invalid value for ByteString: raw', 'invalidArgument');
      mime = Buffer.from(raw, 'base64url');
    }
    const parsed = await simpleParser(mime, { keepCidLinks: true });
    const recipients = [parsed.to, parsed.cc, parsed.bcc].flat().filter(Boolean);
    if (!recipients.length) return gError(400, 'INVALID_ARGUMENT', 'Recipient address required', 'invalidArgument');
    const id = crypto.randomBytes(8).toString('hex');
    this.sends.push({ user: who, token: bearer, via, mime: mime.toString('utf8'), parsed, id, at: Date.now() });
    return { status: 200, json: { id, threadId: id, labelIds: ['SENT'] } };
  }

  async close(): Promise<void> {
    await this.http.stop();
  }
}
