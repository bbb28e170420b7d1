/**
 * Postmark's sending side: the connection test reads the token's server (GET /server), a send
 * posts the outbox's message as JSON (POST /email). Both authenticate with the server token in
 * `X-Postmark-Server-Token` (https://postmarkapp.com/developer/api/overview#authentication).
 * The endpoint comes from the operator's environment (ENVOI_POSTMARK_URL), never a connection.
 */
import type { ResolvedConnection } from '../../connections.js';
import type { ProviderRuntime, RawMessage } from '../provider.js';
import { SendFailure, type SendInfo, type TestResult } from '../results.js';
import { SendReleased } from '../send-control.js';
import { testTimer } from '../http/json-api.js';
import { readMessage } from '../http/mime-parts.js';
import { apiRequest, type ApiResponse } from '../http/request.js';
import { classifyPostmark } from './classify-postmark.js';
import { postmarkEmail } from './postmark-message.js';

const TARGET = { service: 'Postmark\'s API (api.postmarkapp.com)', owner: 'Postmark' };
export const DEFAULT_MESSAGE_STREAM = 'outbound';

export class PostmarkSender {
  constructor(private readonly runtime: ProviderRuntime) {}

  private headers(conn: ResolvedConnection): Record<string, string> {
    return { accept: 'application/json', 'x-postmark-server-token': conn.secrets.serverToken ?? '' };
  }

  private fail(conn: ResolvedConnection, res: ApiResponse, stage: 'auth' | 'send'): SendFailure {
    return new SendFailure(classifyPostmark(res.status, res.json, res.headers.get('retry-after'), { stage, sender: conn.settings.senderEmail, token: conn.secrets.serverToken ?? '' }));
  }

  /** The test: Postmark accepts the token when it names the token's server (design.md "Providers"). */
  async test(conn: ResolvedConnection): Promise<TestResult> {
    const { done, failed } = testTimer();
    let res: ApiResponse;
    try {
      res = await apiRequest({ url: `${this.runtime.config.postmarkUrl}/server`, headers: this.headers(conn), stage: 'auth', what: 'Postmark\'s API', target: TARGET });
    } catch (err) {
      if (err instanceof SendFailure) return failed(err.failure);
      throw err;
    }
    if (res.status !== 200) return failed(this.fail(conn, res, 'auth').failure);
    const server = (res.json ?? {}) as { Name?: string; ID?: number };
    const stream = conn.settings.messageStream ?? DEFAULT_MESSAGE_STREAM;
    return done({
      ok: true, stage: 'done', responseCode: 200,
      message: `Postmark accepted the token of server "${server.Name ?? '?'}"; mail goes out through its message stream "${stream}". Postmark checks the sender signature only when mail is sent: send a test email to prove ${conn.settings.senderEmail} may send.`,
      details: { server: server.Name, serverId: server.ID, messageStream: stream },
    });
  }

  /** Sends the outbox's message; Postmark's MessageID is the provider's id of the mail. */
  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    if (message.control?.release.aborted) throw new SendReleased('before-data');
    const parts = await readMessage(message);
    const body = JSON.stringify(postmarkEmail(parts, conn.settings.messageStream ?? DEFAULT_MESSAGE_STREAM));
    if (message.control?.release.aborted) throw new SendReleased('before-data');
    const res = await apiRequest({
      url: `${this.runtime.config.postmarkUrl}/email`, method: 'POST',
      headers: { ...this.headers(conn), 'content-type': 'application/json' }, body,
      stage: 'send', what: 'Postmark\'s API', target: TARGET, control: message.control,
    });
    const answer = (res.json ?? {}) as { MessageID?: string; ErrorCode?: number; Message?: string; SubmittedAt?: string };
    // A 200 always carries ErrorCode 0 for a single send; anything else is read as a refusal.
    if (res.status !== 200 || (answer.ErrorCode ?? 0) !== 0) {
      const f = this.fail(conn, res.status === 200 ? { ...res, status: 422 } : res, 'send');
      this.runtime.logger.warn('postmark send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: res.status, code: f.failure.code });
      throw f;
    }
    return {
      messageId: parts.messageId,
      accepted: message.envelope.to,
      rejected: [],
      deferred: [],
      responseCode: 200,
      response: `200 ${answer.Message ?? 'OK'} (Postmark MessageID ${answer.MessageID ?? '?'})`,
      ...(answer.MessageID ? { providerMessageId: answer.MessageID } : {}),
    };
  }
}
