/**
 * SendGrid's Web API v3 with an API key (Authorization: Bearer, docs "Authentication"): a send
 * is POST /v3/mail/send with the message as JSON (./sendgrid-body.ts), answered 202 Accepted
 * with the message's id in X-Message-Id; the test reads the key's own scopes (GET /v3/scopes),
 * which proves the key without sending and shows whether it holds `mail.send`.
 */
import type { ResolvedConnection } from '../../connections.js';
import { failure, type Failure } from '../../failures.js';
import { readMessage } from '../http/mime-parts.js';
import { apiRequest, type ApiRequest } from '../http/request.js';
import type { ProviderRuntime, RawMessage } from '../provider.js';
import { SendFailure, type SendInfo, type TestResult } from '../results.js';
import { SendReleased } from '../send-control.js';
import { classifySendGrid, SENDGRID_HINTS } from './classify-sendgrid.js';
import { mailSendBody } from './sendgrid-body.js';

/** SendGrid refuses messages over 30 MB, attachments included (docs "Mail Send": limitations). */
export const SENDGRID_MAX_BYTES = 30 * 1000 * 1000;
const TARGET = { service: 'SendGrid (api.sendgrid.com)', owner: 'SendGrid' };

export class SendGridDriver {
  constructor(private readonly runtime: ProviderRuntime) {}

  private call(conn: ResolvedConnection, r: Pick<ApiRequest, 'method' | 'body' | 'stage' | 'control'> & { path: string }) {
    const headers: Record<string, string> = { authorization: `Bearer ${conn.secrets.apiKey ?? ''}` };
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    return apiRequest({ url: `${this.runtime.config.sendgridUrl}${r.path}`, method: r.method, headers, body: r.body, stage: r.stage, control: r.control, what: 'SendGrid\'s API', target: TARGET });
  }

  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    const parts = await readMessage(message);
    const body = JSON.stringify(mailSendBody(parts));
    if (Buffer.byteLength(body) > SENDGRID_MAX_BYTES) {
      throw new SendFailure(failure('MESSAGE_TOO_LARGE', `The message is ${Buffer.byteLength(body)} bytes as SendGrid's request (attachments in base64); SendGrid accepts up to 30 MB`, {
        hint: 'Send smaller attachments (about 20 MB in all), or share large files by link.',
      }));
    }
    // Shutdown began: nothing has been handed to SendGrid yet.
    if (message.control?.release.aborted) throw new SendReleased('before-data');
    const res = await this.call(conn, { method: 'POST', path: '/v3/mail/send', body, stage: 'send', control: message.control });
    if (res.status !== 202 && res.status !== 200) {
      const f = classifySendGrid(res, 'send', conn.secrets.apiKey ?? '');
      this.runtime.logger.warn('sendgrid send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: res.status, code: f.code });
      throw new SendFailure(f);
    }
    const id = res.headers.get('x-message-id') ?? undefined;
    return {
      messageId: parts.messageId,
      // SendGrid takes every recipient of the personalization or none: all were handed over.
      accepted: message.envelope.to,
      rejected: [],
      deferred: [],
      responseCode: res.status,
      response: `${res.status} Accepted by SendGrid${id ? ` (X-Message-Id ${id})` : ''}`,
      ...(id ? { providerMessageId: id } : {}),
    };
  }

  async test(conn: ResolvedConnection): Promise<TestResult> {
    const started = Date.now();
    const done = (r: Omit<TestResult, 'durationMs'>): TestResult => ({ ...r, durationMs: Date.now() - started });
    const failed = (f: Failure): TestResult =>
      done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) });
    let res;
    try {
      res = await this.call(conn, { method: 'GET', path: '/v3/scopes', stage: 'auth' });
    } catch (err) {
      if (err instanceof SendFailure) return failed(err.failure);
      throw err;
    }
    if (res.status !== 200) return failed(classifySendGrid(res, 'auth', conn.secrets.apiKey ?? ''));
    const scopes = (res.json as { scopes?: unknown } | undefined)?.scopes;
    const list = Array.isArray(scopes) ? scopes.map(String) : [];
    if (!list.includes('mail.send')) {
      // A valid key without Mail Send: design.md's PERMISSION_MISSING, not a wrong key.
      return failed(failure('PERMISSION_MISSING', `SendGrid accepted the key, but it may not send mail (its ${list.length} scopes lack mail.send)`, { hint: SENDGRID_HINTS.permission }));
    }
    return done({
      ok: true, stage: 'done', responseCode: 200,
      message: `SendGrid accepted the key, which may send mail (mail.send). SendGrid checks the sender only when it sends: send a test email to prove ${conn.settings.senderEmail} is a verified sender.`,
    });
  }
}
