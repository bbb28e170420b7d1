import crypto from 'node:crypto';
import type { Logger } from '../../log.js';
import { SendFailure } from '../results.js';
import { classifySignInFetchError, classifyTokenResponse } from './classify-token.js';

/**
 * App-only tokens from the Microsoft identity platform: the OAuth2 client-credentials grant
 * (POST {authority}/{tenant}/oauth2/v2.0/token, form-encoded; Microsoft identity platform docs,
 * "OAuth 2.0 client credentials flow"). A small client rather than @azure/msal-node: MSAL insists
 * on https authorities and fetches instance metadata from Microsoft before the first token, so it
 * cannot be pointed at a local stand-in in tests; the grant itself is one form POST.
 *
 * Shared by Microsoft 365 over Graph (scope https://graph.microsoft.com/.default) and Exchange
 * Online SMTP with XOAUTH2 (scope https://outlook.office365.com/.default). Tokens are cached per
 * tenant, client and secret until shortly before they expire.
 */

const REQUEST_TIMEOUT_MS = 30_000;
/** Refresh this long before a token expires, so a send never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** The app that signs in. */
export interface AppCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface AppToken {
  accessToken: string;
  expiresAt: number;
  /** When the cache asks for a new one: before expiry by 5 minutes, or half the lifetime of a short token. */
  refreshAt: number;
  /** The `roles` claim: application permissions granted to the app for this resource. */
  roles: string[];
}

/** Reads the `roles` claim of an access token (application permissions granted to the app). */
function rolesOf(accessToken: string): string[] {
  try {
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(payload.roles) ? payload.roles.map(String) : [];
  } catch {
    return [];
  }
}

export class MsTokenClient {
  private readonly tokens = new Map<string, AppToken>();
  private readonly pending = new Map<string, Promise<AppToken>>();
  constructor(private readonly opts: { authorityUrl: string; scope: string; logger?: Logger | undefined }) {}

  private cacheKey(app: AppCredentials): string {
    const secretHash = crypto.createHash('sha256').update(app.clientSecret).digest('hex').slice(0, 16);
    return `${app.tenantId.toLowerCase()}|${app.clientId.toLowerCase()}|${secretHash}`;
  }

  /** A valid token for the app, from the cache or the token endpoint; throws SendFailure (OAUTH_FAILED, THROTTLED, …). */
  async token(app: AppCredentials, forceRefresh = false, logFields: Record<string, unknown> = {}): Promise<AppToken> {
    const key = this.cacheKey(app);
    const cached = this.tokens.get(key);
    if (!forceRefresh && cached && cached.refreshAt > Date.now()) return cached;
    // One request at a time per app: concurrent sends share the refresh.
    let p = this.pending.get(key);
    if (!p) {
      p = this.fetchToken(app, logFields).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    const fresh = await p;
    this.tokens.set(key, fresh);
    return fresh;
  }

  /** `logFields` name what the fetch is for (the delivery whose send needed it). */
  private async fetchToken(app: AppCredentials, logFields: Record<string, unknown>): Promise<AppToken> {
    this.opts.logger?.debug('fetching an access token', { ...logFields, from: 'microsoft', tenantId: app.tenantId, clientId: app.clientId, scope: this.opts.scope });
    const url = `${this.opts.authorityUrl}/${encodeURIComponent(app.tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, scope: this.opts.scope, grant_type: 'client_credentials' });
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (err) {
      throw new SendFailure(classifySignInFetchError(err));
    }
    const text = await res.text();
    if (!res.ok) throw new SendFailure(classifyTokenResponse(res.status, text, [app.clientSecret], res.headers.get('retry-after')));
    const json = JSON.parse(text) as { access_token: string; expires_in: number | string };
    const lifetimeMs = Number(json.expires_in) * 1000;
    const now = Date.now();
    this.opts.logger?.debug('access token fetched', { ...logFields, from: 'microsoft', tenantId: app.tenantId, clientId: app.clientId, expiresInS: lifetimeMs / 1000 });
    return {
      accessToken: json.access_token,
      expiresAt: now + lifetimeMs,
      refreshAt: now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2),
      roles: rolesOf(json.access_token),
    };
  }

  /** Forgets every cached token (a connection changed or was deleted). */
  clear(): void {
    this.tokens.clear();
  }
}
