/**
 * Sends through the Gmail API as a Workspace user, with a token from ./token.ts. The outbox's
 * MIME goes as is (design.md "Providers"): Gmail reads the recipients from its To, Cc and Bcc
 * headers and removes the Bcc header before delivery, and signs with the domain's DKIM key.
 *
 * Two ways in, as the Gmail API reference of users.messages.send documents them: the metadata
 * request (JSON `{raw}`, base64url, RFC 4648 §5) for ordinary mail, and the media upload
 * (`/upload/…?uploadType=media`, `message/rfc822`) for large mail, whose limit is 35 MB. Google's
 * front ends refuse JSON bodies of more than about 5 MB, so mail beyond that takes the upload.
 */
import { EnvoiError } from '../../errors.js';
import { failure, type Failure } from '../../failures.js';
import type { ResolvedConnection } from '../../connections.js';
import type { Logger } from '../../log.js';
import { apiRequest, type ApiResponse } from '../http/request.js';
import type { RawMessage } from '../provider.js';
import { SendFailure, type SendInfo, type TestResult } from '../results.js';
import { SendReleased, type SendControl } from '../send-control.js';
import { classifyGmailAnswer, GMAIL_SEND_SCOPE } from './classify-google.js';
import { parseServiceAccountKey } from './service-account.js';
import { GOOGLE_TARGET, GoogleTokens, type TokenRequest } from './token.js';

/** The largest JSON body sent to the metadata endpoint; larger mail takes the media upload. */
export const GMAIL_JSON_MAX_BYTES = 5 * 1024 * 1024;
/** The media upload's limit (Gmail API reference, users.messages.send: "Maximum file size: 35MB"). */
export const GMAIL_UPLOAD_MAX_BYTES = 35 * 1024 * 1024;

export interface GmailOptions {
  tokenUrl: string;
  apiUrl: string;
  logger: Logger;
}

/** The connection's key and sender, read for a token request (a stored key was checked on save). */
function tokenRequest(conn: ResolvedConnection): TokenRequest {
  const keyText = conn.secrets.serviceAccountKey ?? '';
  try {
    return { key: parseServiceAccountKey(keyText), keyText, sender: conn.settings.senderEmail };
  } catch (err) {
    if (!(err instanceof EnvoiError)) throw err;
    throw new SendFailure(failure('AUTH_FAILED', err.message, { hint: err.hint }));
  }
}

export class GmailSender {
  private readonly tokens: GoogleTokens;
  constructor(private readonly opts: GmailOptions) {
    this.tokens = new GoogleTokens(opts.tokenUrl, opts.logger);
  }

  private post(conn: ResolvedConnection, token: string, raw: Buffer, control: SendControl | undefined): Promise<ApiResponse> {
    const user = encodeURIComponent(conn.settings.senderEmail);
    const json = JSON.stringify({ raw: raw.toString('base64url') });
    const common = { method: 'POST' as const, stage: 'send' as const, what: 'the Gmail API', target: GOOGLE_TARGET, control };
    if (Buffer.byteLength(json) <= GMAIL_JSON_MAX_BYTES) {
      return apiRequest({ ...common, url: `${this.opts.apiUrl}/gmail/v1/users/${user}/messages/send`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: json });
    }
    return apiRequest({ ...common, url: `${this.opts.apiUrl}/upload/gmail/v1/users/${user}/messages/send?uploadType=media`, headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' }, body: raw, timeoutMs: 120_000 });
  }

  /** Sends the outbox's MIME as the connection's sender; a 401 gets one fresh token. */
  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    const { control } = message;
    if (control?.release.aborted) throw new SendReleased('before-data');
    const raw = Buffer.from(message.raw, 'utf8');
    if (raw.length > GMAIL_UPLOAD_MAX_BYTES) {
      throw new SendFailure(failure('MESSAGE_TOO_LARGE', `The message is ${raw.length} bytes; the Gmail API accepts messages up to 35 MB`, { hint: 'Send smaller attachments, or share large files by link (Google Drive).' }));
    }
    const r = tokenRequest(conn);
    const secrets = [r.keyText, r.key.private_key];
    let token = await this.tokens.token(r);
    for (let refreshed = false; ; refreshed = true) {
      // Shutdown began while the token was fetched: nothing has been sent yet.
      if (control?.release.aborted) throw new SendReleased('before-data');
      const res = await this.post(conn, token, raw, control);
      if (res.status === 200) {
        const id = (res.json as { id?: unknown } | undefined)?.id;
        const providerMessageId = typeof id === 'string' ? id : undefined;
        return { messageId: '', accepted: message.envelope.to, rejected: [], deferred: [], responseCode: 200, response: `200 Sent by Gmail${providerMessageId ? ` (id ${providerMessageId})` : ''}`, ...(providerMessageId ? { providerMessageId } : {}) };
      }
      if (res.status === 401 && !refreshed) {
        // An expired or revoked token: ask for a new one once, then let the failure stand.
        token = await this.tokens.token(r, true);
        continue;
      }
      const f = classifyGmailAnswer(res.status, res.json, res.text, res.headers.get('retry-after'), { sender: r.sender, clientId: r.key.client_id, secrets });
      this.opts.logger.warn('gmail send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: res.status, code: f.code });
      throw new SendFailure(f);
    }
  }

  /**
   * Tests the connection: Google issues a token for the gmail.send scope with sub = the sender
   * only when the key is valid, the user exists and the domain delegated the scope to the
   * service account. That token is the proof; gmail.send allows no read-only call to go further.
   */
  async test(conn: ResolvedConnection): Promise<TestResult> {
    const started = Date.now();
    const done = (t: Omit<TestResult, 'durationMs'>): TestResult => ({ ...t, durationMs: Date.now() - started });
    const failed = (f: Failure): TestResult =>
      done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) });
    try {
      const r = tokenRequest(conn);
      await this.tokens.token(r, true);
      return done({
        ok: true, stage: 'auth',
        message: `Google issued a token for ${r.key.client_email} to send as ${r.sender} (scope ${GMAIL_SEND_SCOPE}, domain-wide delegation). Send a test email to see a message go out.`,
      });
    } catch (err) {
      if (!(err instanceof SendFailure)) throw err;
      return failed(err.failure);
    }
  }

  close(): void {
    this.tokens.clear();
  }
}
