/**
 * Access tokens for a service account acting as a Workspace user: the JWT bearer grant of
 * RFC 7523 §2.1 as Google documents it for server-to-server applications. The assertion is a JWT
 * signed RS256 (RFC 7518 §3.3) with the key's private key by `jose`: iss = the service account,
 * sub = the user it acts as (domain-wide delegation), scope = gmail.send, aud = the token URL,
 * valid for one hour. Tokens are cached per key and sender until shortly before they expire.
 */
import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import { failure } from '../../failures.js';
import { apiRequest } from '../http/request.js';
import { SendFailure } from '../results.js';
import { classifyTokenAnswer, GMAIL_SEND_SCOPE } from './classify-google.js';
import type { Logger } from '../../log.js';
import type { ServiceAccountKey } from './service-account.js';

/** Google accepts assertions valid for at most one hour. */
const ASSERTION_LIFETIME_S = 3600;
/** Refresh this long before a token expires, so a send never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
export const GOOGLE_TARGET = { service: 'Google (oauth2.googleapis.com, gmail.googleapis.com)', owner: 'Google' };

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** What asking for a token needs: the parsed key, its text (never repeated) and the user to act as. */
export interface TokenRequest {
  key: ServiceAccountKey;
  keyText: string;
  sender: string;
}

export class GoogleTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly tokenUrl: string,
    private readonly logger?: Logger,
  ) {}

  private cacheKey(r: TokenRequest): string {
    // The key's hash, never the key: a new key (or a deleted one replaced) gets its own tokens.
    const keyHash = crypto.createHash('sha256').update(r.keyText).digest('hex').slice(0, 32);
    return `${keyHash}|${r.sender.toLowerCase()}`;
  }

  /** A valid token for the user, from the cache or Google; `fresh` skips the cache (a test, a 401). */
  async token(r: TokenRequest, fresh = false): Promise<string> {
    const key = this.cacheKey(r);
    const cached = this.cache.get(key);
    if (!fresh && cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.accessToken;
    // One request at a time per key and user: concurrent sends share it.
    let p = this.pending.get(key);
    if (!p) {
      p = this.fetchToken(r).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    const got = await p;
    this.cache.set(key, got);
    return got.accessToken;
  }

  private async assertion(r: TokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: GMAIL_SEND_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(r.key.private_key_id ? { kid: r.key.private_key_id } : {}) })
      .setIssuer(r.key.client_email)
      .setSubject(r.sender)
      .setAudience(this.tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_S)
      .sign(crypto.createPrivateKey(r.key.private_key));
  }

  private async fetchToken(r: TokenRequest): Promise<CachedToken> {
    this.logger?.debug('fetching an access token', { from: 'google', clientId: r.key.client_id, sender: r.sender });
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await this.assertion(r) });
    const res = await apiRequest({ url: this.tokenUrl, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, stage: 'auth', what: 'Google\'s token endpoint', target: GOOGLE_TARGET });
    const ctx = { sender: r.sender, clientId: r.key.client_id, secrets: [r.keyText, r.key.private_key] };
    if (res.status !== 200) throw new SendFailure(classifyTokenAnswer(res.status, res.json, res.headers.get('retry-after'), ctx));
    const json = res.json as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof json?.access_token !== 'string' || !json.access_token) {
      throw new SendFailure(failure('SERVER_ERROR', 'Google\'s token endpoint answered 200 without an access token', { stage: 'auth', connectionFault: true, responseCode: 200 }));
    }
    const lifetime = Number(json.expires_in);
    this.logger?.debug('access token fetched', { from: 'google', clientId: r.key.client_id, sender: r.sender, expiresInS: lifetime });
    return { accessToken: json.access_token, expiresAt: Date.now() + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600) * 1000 };
  }

  clear(): void {
    this.cache.clear();
  }
}
