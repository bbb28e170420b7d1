import type { Config } from '../../config.js';
import { classifyFetchError, classifyGraphResponse } from './classify-microsoft.js';
import { failure, type Failure } from '../../failures.js';
import type { ResolvedConnection } from '../../connections.js';
import type { Logger } from '../../log.js';
import { MsTokenClient, type AppToken } from '../microsoft-identity/token-client.js';
import { SendFailure, type SendInfo, type StageListener, type TestResult } from '../results.js';
import { SendReleased, type SendControl } from '../send-control.js';

/**
 * Microsoft 365 through Microsoft Graph with the OAuth2 client-credentials grant (the shared
 * token client of ../microsoft-identity/). A 401 from Graph forces one token refresh.
 */

/** Graph refuses requests over 4 MB; a base64 MIME body is 4/3 the size of the message. */
export const GRAPH_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const REQUEST_TIMEOUT_MS = 30_000;

export interface Microsoft365Options {
  config: Pick<Config, 'msAuthorityUrl' | 'msGraphUrl'>;
  logger: Logger;
}

export class Microsoft365Provider {
  private readonly tokens: MsTokenClient;
  constructor(private readonly opts: Microsoft365Options) {
    this.tokens = new MsTokenClient({ authorityUrl: opts.config.msAuthorityUrl, scope: GRAPH_SCOPE, logger: opts.logger });
  }

  /** A valid token for the connection's app, from the cache or the token endpoint. */
  private token(conn: ResolvedConnection, forceRefresh = false, deliveryId?: string): Promise<AppToken> {
    const s = conn.settings;
    return this.tokens.token({ tenantId: s.tenantId ?? '', clientId: s.clientId ?? '', clientSecret: conn.secrets.clientSecret ?? '' }, forceRefresh, deliveryId ? { deliveryId } : {});
  }

  /** Sends the outbox's MIME message as the connection's mailbox (Graph sendMail, MIME body). */
  async send(conn: ResolvedConnection, message: { raw: string; control?: SendControl | undefined; deliveryId?: string | undefined }): Promise<SendInfo> {
    const { control } = message;
    if (control?.release.aborted) throw new SendReleased('before-data');
    const body = Buffer.from(message.raw, 'utf8').toString('base64');
    if (body.length > GRAPH_MAX_REQUEST_BYTES) {
      throw new SendFailure(failure('MESSAGE_TOO_LARGE', `The message is ${Buffer.byteLength(message.raw)} bytes, ${body.length} once base64-encoded; Microsoft Graph's sendMail accepts requests up to 4 MB`, {
        hint: 'Send smaller attachments (about 3 MB in all), or share large files by link.',
      }));
    }
    const sender = conn.settings.senderEmail;
    const url = `${this.opts.config.msGraphUrl}/v1.0/users/${encodeURIComponent(sender)}/sendMail`;
    let token = await this.token(conn, false, message.deliveryId);
    for (let refreshed = false; ; refreshed = true) {
      // Shutdown began while the token was fetched: nothing has been sent yet.
      if (control?.release.aborted) throw new SendReleased('before-data');
      let res: Response;
      try {
        // A send under way gets the grace period; past it the request is cut and its outcome is unknown.
        const signal = control ? AbortSignal.any([control.deadline, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
        res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'text/plain' }, body, signal });
      } catch (err) {
        throw new SendFailure(classifyFetchError('send', 'Microsoft Graph', err));
      }
      const text = await res.text();
      if (res.status === 202 || res.ok) {
        return { messageId: '', accepted: [], rejected: [], deferred: [], responseCode: res.status, response: `${res.status} Accepted by Microsoft Graph${res.headers.get('request-id') ? ` (request-id ${res.headers.get('request-id')})` : ''}` };
      }
      if (res.status === 401 && !refreshed) {
        // An expired or revoked token: get a new one once, then let the failure stand.
        token = await this.token(conn, true, message.deliveryId);
        continue;
      }
      const failure = classifyGraphResponse(res.status, text, res.headers.get('retry-after'), sender);
      this.opts.logger.warn('graph send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: res.status, code: failure.code });
      throw new SendFailure(failure);
    }
  }

  /**
   * Tests the connection: `auth` gets a token for the app. Graph has no call that proves Mail.Send
   * for a mailbox without sending, so the test reads the permissions granted to the app from the
   * token instead; an application access policy limiting mailboxes shows only on a real send.
   */
  async test(conn: ResolvedConnection, onStage?: StageListener): Promise<TestResult> {
    const started = Date.now();
    // The whole test is the app's sign-in (the token request).
    onStage?.('auth');
    const done = (r: Omit<TestResult, 'durationMs'>): TestResult => ({ ...r, durationMs: Date.now() - started });
    const failed = (f: Failure): TestResult =>
      done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) });
    let token: AppToken;
    try {
      token = await this.token(conn, true);
    } catch (err) {
      if (!(err instanceof SendFailure)) throw err;
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
  clear(): void {
    this.tokens.clear();
  }
}
