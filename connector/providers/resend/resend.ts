/**
 * Resend's sending side: the connection test lists the account's domains (GET /domains) and
 * looks for the sender's, a send posts the outbox's message as JSON (POST /emails) with an
 * Idempotency-Key. Both authenticate with `Authorization: Bearer <key>`. The endpoint comes from
 * the operator's environment (ENVOI_RESEND_URL), never from a connection.
 */
import type { ResolvedConnection } from '../../connections.js';
import { failure } from '../../failures.js';
import { warning } from '../../i18n/warning-texts.js';
import type { ProviderRuntime, RawMessage } from '../provider.js';
import { SendFailure, type SendInfo, type TestResult } from '../results.js';
import { SendReleased } from '../send-control.js';
import { testTimer } from '../http/json-api.js';
import { readMessage } from '../http/mime-parts.js';
import { apiRequest, type ApiResponse } from '../http/request.js';
import { classifyResend, type ResendError } from './classify-resend.js';
import { idempotencyKey, resendEmail } from './resend-message.js';
import { RESEND_WARNINGS } from './warnings.js';

const TARGET = { service: 'Resend\'s API (api.resend.com)', owner: 'Resend' };
/** Pages of GET /domains read while looking for the sender's domain (100 a page, Resend's maximum). */
const MAX_DOMAIN_PAGES = 10;

interface Domain {
  id: string;
  name: string;
  status: string;
}

export class ResendSender {
  constructor(private readonly runtime: ProviderRuntime) {}

  private auth(conn: ResolvedConnection): Record<string, string> {
    return { authorization: `Bearer ${conn.secrets.apiKey ?? ''}`, accept: 'application/json' };
  }

  private fail(conn: ResolvedConnection, res: ApiResponse, stage: 'auth' | 'send'): SendFailure {
    return new SendFailure(classifyResend(res.status, res.json, res.headers, { stage, sender: conn.settings.senderEmail, apiKey: conn.secrets.apiKey ?? '' }));
  }

  /** The sender's domain as GET /domains lists it, `null` when it is not listed; throws on a failed answer. */
  private async findDomain(conn: ResolvedConnection, name: string): Promise<Domain | null | 'restricted'> {
    let after: string | undefined;
    for (let page = 0; page < MAX_DOMAIN_PAGES; page++) {
      const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
      const res = await apiRequest({ url: `${this.runtime.config.resendUrl}/domains?${query}`, headers: this.auth(conn), stage: 'auth', what: 'Resend\'s API', target: TARGET });
      // A sending-only key may not list domains (design.md: ok, with a warning).
      if (res.status === 401 && (res.json as ResendError | undefined)?.name === 'restricted_api_key') return 'restricted';
      if (res.status !== 200) throw this.fail(conn, res, 'auth');
      const list = (res.json ?? {}) as { data?: Domain[]; has_more?: boolean };
      const data = list.data ?? [];
      const found = data.find((d) => d.name.toLowerCase() === name);
      if (found) return found;
      if (!list.has_more || !data.length) return null;
      after = data.at(-1)!.id;
    }
    return null;
  }

  /**
   * The test (design.md "Providers"): ok when the key lists the sender's domain as verified; a
   * domain still being verified is ok with a warning, and so is a sending-only key, which may send
   * but not list domains.
   */
  async test(conn: ResolvedConnection): Promise<TestResult> {
    const { done, failed } = testTimer();
    const sender = conn.settings.senderEmail;
    const domainName = (sender.split('@')[1] ?? '').toLowerCase();
    let domain: Domain | null | 'restricted';
    try {
      domain = await this.findDomain(conn, domainName);
    } catch (err) {
      if (err instanceof SendFailure) return failed(err.failure);
      throw err;
    }
    if (domain === 'restricted') {
      return done({
        ok: true, stage: 'done',
        message: 'Resend accepted the API key; it has Sending access only, so the test cannot see whether the sender\'s domain is verified.',
        warnings: [warning(RESEND_WARNINGS, 'RESEND_DOMAIN_NOT_CHECKED', { domain: domainName })],
      });
    }
    if (!domain || domain.status === 'failed') {
      const what = domain ? `lists ${domainName} with verification failed` : `has no domain ${domainName}`;
      return failed(failure('SENDER_REJECTED', `Resend accepted the API key, but the account ${what}, so mail from ${sender} would be refused`, {
        hint: `In the Resend dashboard, Domains: ${domain ? 'fix the DNS records of' : 'add'} ${domainName}, publish its DNS records and verify it; the sender email must use exactly that domain.`,
      }));
    }
    const details = { domain: domain.name, status: domain.status };
    if (domain.status !== 'verified') {
      return done({
        ok: true, stage: 'done', details,
        message: `Resend accepted the API key; the domain ${domain.name} is not verified yet (${domain.status}).`,
        warnings: [warning(RESEND_WARNINGS, 'RESEND_DOMAIN_NOT_VERIFIED', { domain: domain.name, status: domain.status, sender })],
      });
    }
    return done({ ok: true, stage: 'done', details, message: `Resend accepted the API key, and the domain ${domain.name} is verified.` });
  }

  /** Sends the outbox's message; Resend's `id` is the provider's id of the mail. */
  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    if (message.control?.release.aborted) throw new SendReleased('before-data');
    const parts = await readMessage(message);
    const key = idempotencyKey(parts.messageId);
    const body = JSON.stringify(resendEmail(parts));
    if (message.control?.release.aborted) throw new SendReleased('before-data');
    const res = await apiRequest({
      url: `${this.runtime.config.resendUrl}/emails`, method: 'POST',
      headers: { ...this.auth(conn), 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body,
      stage: 'send', what: 'Resend\'s API', target: TARGET, control: message.control,
    });
    const id = (res.json as { id?: string } | undefined)?.id;
    if (res.status !== 200 || !id) {
      const f = this.fail(conn, res, 'send');
      this.runtime.logger.warn('resend send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: res.status, code: f.failure.code });
      throw f;
    }
    return { messageId: parts.messageId, accepted: message.envelope.to, rejected: [], deferred: [], responseCode: 200, response: `200 Accepted by Resend (id ${id})`, providerMessageId: id };
  }
}
