import crypto from 'node:crypto';
import { classifyFetchError, classifyGraphResponse, classifyTokenResponse } from './classify-microsoft.js';
import { failure } from '../../failures.js';
import { SendFailure } from '../results.js';
import { SendReleased } from '../send-control.js';
/**
 * Microsoft 365 through Microsoft Graph with the OAuth2 client-credentials grant. A small client
 * rather than @azure/msal-node: MSAL insists on https authorities and fetches instance metadata
 * from Microsoft before the first token, so it cannot be pointed at a local stand-in in tests;
 * the grant itself is one form POST. Tokens are cached per tenant, client and secret until
 * shortly before they expire; a 401 from Graph forces one refresh.
 */
/** Graph refuses requests over 4 MB; a base64 MIME body is 4/3 the size of the message. */
export const GRAPH_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const REQUEST_TIMEOUT_MS = 30_000;
/** Refresh this long before a token expires, so a send never races the expiry. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** Reads the `roles` claim of an access token (application permissions granted to the app). */
function rolesOf(accessToken) {
    try {
        const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
        return Array.isArray(payload.roles) ? payload.roles.map(String) : [];
    }
    catch {
        return [];
    }
}
export class Microsoft365Provider {
    opts;
    tokens = new Map();
    pending = new Map();
    constructor(opts) {
        this.opts = opts;
    }
    cacheKey(conn) {
        const secretHash = crypto.createHash('sha256').update(conn.secrets.clientSecret ?? '').digest('hex').slice(0, 16);
        return `${conn.settings.tenantId?.toLowerCase()}|${conn.settings.clientId?.toLowerCase()}|${secretHash}`;
    }
    /** A valid token for the connection's app, from the cache or the token endpoint. */
    async token(conn, forceRefresh = false) {
        const key = this.cacheKey(conn);
        const cached = this.tokens.get(key);
        if (!forceRefresh && cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now())
            return cached;
        // One request at a time per app: concurrent sends share the refresh.
        let p = this.pending.get(key);
        if (!p) {
            p = this.fetchToken(conn).finally(() => this.pending.delete(key));
            this.pending.set(key, p);
        }
        const fresh = await p;
        this.tokens.set(key, fresh);
        return fresh;
    }
    async fetchToken(conn) {
        const s = conn.settings;
        const url = `${this.opts.config.msAuthorityUrl}/${encodeURIComponent(s.tenantId ?? '')}/oauth2/v2.0/token`;
        const body = new URLSearchParams({ client_id: s.clientId ?? '', client_secret: conn.secrets.clientSecret ?? '', scope: GRAPH_SCOPE, grant_type: 'client_credentials' });
        let res;
        try {
            res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        }
        catch (err) {
            throw new SendFailure(classifyFetchError('auth', 'the Microsoft sign-in service', err));
        }
        const text = await res.text();
        if (!res.ok)
            throw new SendFailure(classifyTokenResponse(res.status, text, [conn.secrets.clientSecret ?? ''], res.headers.get('retry-after')));
        const json = JSON.parse(text);
        const accessToken = json.access_token;
        return { accessToken, expiresAt: Date.now() + Number(json.expires_in) * 1000, roles: rolesOf(accessToken) };
    }
    /** Sends the outbox's MIME message as the connection's mailbox (Graph sendMail, MIME body). */
    async send(conn, message) {
        const { control } = message;
        if (control?.release.aborted)
            throw new SendReleased('before-data');
        const body = Buffer.from(message.raw, 'utf8').toString('base64');
        if (body.length > GRAPH_MAX_REQUEST_BYTES) {
            throw new SendFailure(failure('MESSAGE_TOO_LARGE', `The message is ${Buffer.byteLength(message.raw)} bytes, ${body.length} once base64-encoded; Microsoft Graph's sendMail accepts requests up to 4 MB`, {
                hint: 'Send smaller attachments (about 3 MB in all), or share large files by link.',
            }));
        }
        const sender = conn.settings.senderEmail;
        const url = `${this.opts.config.msGraphUrl}/v1.0/users/${encodeURIComponent(sender)}/sendMail`;
        let token = await this.token(conn);
        for (let refreshed = false;; refreshed = true) {
            // Shutdown began while the token was fetched: nothing has been sent yet.
            if (control?.release.aborted)
                throw new SendReleased('before-data');
            let res;
            try {
                // A send under way gets the grace period; past it the request is cut and its outcome is unknown.
                const signal = control ? AbortSignal.any([control.deadline, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
                res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'text/plain' }, body, signal });
            }
            catch (err) {
                throw new SendFailure(classifyFetchError('send', 'Microsoft Graph', err));
            }
            const text = await res.text();
            if (res.status === 202 || res.ok) {
                return { messageId: '', accepted: [], rejected: [], deferred: [], responseCode: res.status, response: `${res.status} Accepted by Microsoft Graph${res.headers.get('request-id') ? ` (request-id ${res.headers.get('request-id')})` : ''}` };
            }
            if (res.status === 401 && !refreshed) {
                // An expired or revoked token: get a new one once, then let the failure stand.
                token = await this.token(conn, true);
                continue;
            }
            const failure = classifyGraphResponse(res.status, text, res.headers.get('retry-after'), sender);
            this.opts.logger.warn('graph send failed', { connectionId: conn.id, status: res.status, code: failure.code });
            throw new SendFailure(failure);
        }
    }
    /**
     * Tests the connection: `auth` gets a token for the app. Graph has no call that proves Mail.Send
     * for a mailbox without sending, so the test reads the permissions granted to the app from the
     * token instead; an application access policy limiting mailboxes shows only on a real send.
     */
    async test(conn) {
        const started = Date.now();
        const done = (r) => ({ ...r, durationMs: Date.now() - started });
        const failed = (f) => done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) });
        let token;
        try {
            token = await this.token(conn, true);
        }
        catch (err) {
            if (!(err instanceof SendFailure))
                throw err;
            return failed(err.failure);
        }
        if (!token.roles.includes('Mail.Send')) {
            // Signed in, but not allowed to send: design.md's PERMISSION_MISSING, not a sign-in failure.
            return failed(failure('PERMISSION_MISSING', `Signed in as the app, but it has no Mail.Send application permission (granted: ${token.roles.join(', ') || 'none'})`, {
                hint: 'In Microsoft Entra, add the Microsoft Graph application permission Mail.Send to the app and grant admin consent.',
            }));
        }
        return done({
            ok: true, stage: 'done',
            message: `Signed in to tenant ${conn.settings.tenantId} as app ${conn.settings.clientId}, which may send mail (Mail.Send). Graph cannot check a mailbox without sending: send a test email to prove ${conn.settings.senderEmail} is allowed.`,
        });
    }
    /** Forgets cached tokens (a connection changed or was deleted). */
    clear() {
        this.tokens.clear();
    }
}
//# sourceMappingURL=microsoft365.js.map