/**
 * Mailgun's HTTP API with HTTP Basic auth, user `api` and the key as password (docs
 * "Authentication"). A send is POST /v3/{domain}/messages.mime, multipart/form-data: `message`
 * the outbox's MIME as a file, `to` every envelope recipient (docs: with messages.mime, `to`
 * sets the recipients, so it carries Cc and Bcc too; Bcc is in no header). The answer's `id` is
 * the message's Message-ID in angle brackets; it is stored without them, as Mailgun's events
 * and webhooks name it (`message-id`). The test reads the domain (GET /v4/domains/{domain}).
 */
import type { ResolvedConnection } from '../../connections.js';
import { failure, type Failure } from '../../failures.js';
import { warning } from '../../i18n/warning-texts.js';
import { apiRequest, type ApiResponse } from '../http/request.js';
import type { ProviderRuntime, RawMessage } from '../provider.js';
import { SendFailure, type SendInfo, type TestResult } from '../results.js';
import { SendReleased, type SendControl } from '../send-control.js';
import { classifyMailgun } from './classify-mailgun.js';
import { MAILGUN_WARNINGS } from './warnings.js';

const TARGET = { service: 'Mailgun (api.mailgun.net, api.eu.mailgun.net)', owner: 'Mailgun' };
const PUBLIC_BASE = { us: 'https://api.mailgun.net', eu: 'https://api.eu.mailgun.net' } as const;

export class MailgunDriver {
  constructor(private readonly runtime: ProviderRuntime) {}

  private call(conn: ResolvedConnection, path: string, stage: 'auth' | 'send', body?: FormData, control?: SendControl): Promise<ApiResponse> {
    const base = this.runtime.config.mailgunUrl ?? PUBLIC_BASE[conn.settings.region === 'eu' ? 'eu' : 'us'];
    const authorization = `Basic ${Buffer.from(`api:${conn.secrets.apiKey ?? ''}`).toString('base64')}`;
    return apiRequest({ url: `${base}${path}`, method: body ? 'POST' : 'GET', headers: { authorization }, body, stage, control, what: 'Mailgun\'s API', target: TARGET });
  }

  private mimePath(conn: ResolvedConnection): string {
    return `/v3/${encodeURIComponent(conn.settings.domain ?? '')}/messages.mime`;
  }

  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    const form = new FormData();
    form.append('to', message.envelope.to.join(','));
    form.append('message', new Blob([message.raw], { type: 'message/rfc822' }), 'message.mime');
    if (message.control?.release.aborted) throw new SendReleased('before-data');
    const res = await this.call(conn, this.mimePath(conn), 'send', form, message.control);
    if (res.status !== 200) {
      const f = classifyMailgun(res, 'send', conn.secrets.apiKey ?? '');
      this.runtime.logger.warn('mailgun send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: res.status, code: f.code });
      throw new SendFailure(f);
    }
    const answer = res.json as { id?: unknown; message?: unknown } | undefined;
    const id = typeof answer?.id === 'string' ? answer.id.replace(/^<|>$/g, '') : undefined;
    return {
      messageId: '',
      accepted: message.envelope.to,
      rejected: [],
      deferred: [],
      responseCode: res.status,
      response: `${res.status} ${typeof answer?.message === 'string' ? answer.message : 'Queued'} (Mailgun)`,
      ...(id ? { providerMessageId: id } : {}),
    };
  }

  async test(conn: ResolvedConnection): Promise<TestResult> {
    const started = Date.now();
    const key = conn.secrets.apiKey ?? '';
    const domain = conn.settings.domain ?? '';
    const done = (r: Omit<TestResult, 'durationMs'>): TestResult => ({ ...r, durationMs: Date.now() - started });
    const failed = (f: Failure): TestResult =>
      done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}) });
    try {
      const res = await this.call(conn, `/v4/domains/${encodeURIComponent(domain)}`, 'auth');
      if (res.status === 401 || res.status === 403) return await this.probeSendingKey(conn, done, failed);
      if (res.status !== 200) return failed(classifyMailgun(res, 'auth', key));
      const d = (res.json as { domain?: { state?: unknown; type?: unknown } } | undefined)?.domain ?? {};
      const state = typeof d.state === 'string' ? d.state : 'unknown';
      const details = { state, ...(typeof d.type === 'string' ? { type: d.type } : {}) };
      if (state !== 'active') {
        return { ...failed(failure('SENDER_REJECTED', `Mailgun knows ${domain}, but its state is "${state}": it cannot send until Mailgun verifies it`, {
          stage: 'auth',
          hint: state === 'disabled' ? 'Mailgun disabled this domain: see Mailgun → Sending → Domains, or ask Mailgun support why.' : `In Mailgun, Sending → Domains → ${domain}: add the DNS records it shows (SPF, DKIM), then click Verify DNS settings.`,
        })), details };
      }
      const warnings = d.type === 'sandbox' ? [warning(MAILGUN_WARNINGS, 'MAILGUN_SANDBOX', { domain })] : [];
      return done({ ok: true, stage: 'done', responseCode: 200, message: `Mailgun accepted the key, and ${domain} is active.`, details, ...(warnings.length ? { warnings } : {}) });
    } catch (err) {
      if (err instanceof SendFailure) return failed(err.failure);
      throw err;
    }
  }

  /**
   * A domain Sending key may only POST to /messages and /messages.mime (docs "Authentication":
   * Domain Sending Keys), so reading the domain is refused to it as to a wrong key. A POST to
   * messages.mime without recipients or message tells them apart without sending anything:
   * Mailgun checks the key first, so a 400 (a parameter is missing) means the key may send.
   */
  private async probeSendingKey(conn: ResolvedConnection, done: (r: Omit<TestResult, 'durationMs'>) => TestResult, failed: (f: Failure) => TestResult): Promise<TestResult> {
    const res = await this.call(conn, this.mimePath(conn), 'auth', new FormData());
    if (res.status !== 400) return failed(classifyMailgun(res, 'auth', conn.secrets.apiKey ?? ''));
    return done({
      ok: true, stage: 'done', responseCode: 400,
      message: `Mailgun accepted the key for sending through ${conn.settings.domain}.`,
      warnings: [warning(MAILGUN_WARNINGS, 'MAILGUN_DOMAIN_UNCHECKED', { domain: conn.settings.domain ?? '' })],
    });
  }
}
