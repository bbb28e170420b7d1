import { expect } from 'chai';
import type { TestEnvoi } from './harness.js';
import { pollFor } from './wait.js';

/**
 * What the provider-event tests share: a mail sent through a provider's stand-in (so its attempt
 * holds the provider's message id), a webhook endpoint that hears the scope's events, and what
 * a recipient's state is afterwards (events, suppression, webhook messages).
 */
export class EventsRig {
  constructor(private readonly envoi: TestEnvoi, readonly scope: string) {}

  private get core() {
    return this.envoi.server.envoi;
  }

  /** A connection created through the API (its view as answered). */
  async connection(input: Record<string, unknown>): Promise<any> {
    const r = await this.envoi.api('POST', `/api/v1/scopes/${this.scope}/connections`, { isDefault: true, ...input });
    expect(r.status, r.text).to.equal(201);
    return r.body;
  }

  /** An endpoint of the scope hearing every event, so recorded events queue webhook messages. */
  async addEndpoint(): Promise<void> {
    const now = new Date().toISOString();
    await this.core.db.knex('webhook_endpoints').insert({ id: `we_${this.scope}`, scope: this.scope, url: `https://hooks.${this.scope}.test/in`, events: JSON.stringify(['*']), enabled: true, secret_key_id: 'k', secret_sealed: 'x', created_at: now, updated_at: now });
  }

  /** Sends one mail through the scope's default connection; its delivery id and the provider's message id. */
  async send(to: string): Promise<{ deliveryId: string; providerMessageId: string }> {
    const r = await this.envoi.api('POST', `/api/v1/scopes/${this.scope}/actions/send-email/execute?wait=10`, { input: { to, subject: 'Hello', text: 'Hi' } });
    expect(r.status, r.text).to.be.oneOf([200, 202]);
    const d = await pollFor(async () => (await this.envoi.api('GET', `/api/v1/scopes/${this.scope}/deliveries/${r.body.deliveryId}`)).body, (x) => ['sent', 'failed'].includes(x.status), (x) => `still ${x.status}`, 15_000);
    expect(d.status, JSON.stringify(d)).to.equal('sent');
    const providerMessageId = d.attemptLog.at(-1).providerMessageId as string;
    expect(providerMessageId).to.be.a('string');
    return { deliveryId: d.id, providerMessageId };
  }

  /** The event URL of a connection on this server (what ENVOI_PUBLIC_URL would make of it). */
  hookUrl(connectionId: string): string {
    return `${this.envoi.url}/hooks/v1/${connectionId}`;
  }

  /**
   * A recipient's state: the delivery's events, its suppression, and the webhook messages its
   * recipient events queued (delivered, bounced, complained: the send's own delivery.sent is not theirs).
   */
  async state(deliveryId: string, email: string): Promise<{ events: Array<{ type: string; recipient: string; bounce?: unknown; source: string }>; suppression: string | undefined; webhooks: string[] }> {
    const events = await this.core.deliveryEvents.of(deliveryId);
    const suppression = (await this.core.suppressions.get(this.scope, email))?.reason;
    const rows = (await this.core.db.knex('webhook_messages').where({ scope: this.scope })) as Array<{ type: string; payload: string }>;
    const webhooks = rows.filter((m) => JSON.parse(m.payload).data?.deliveryId === deliveryId && /^delivery\.(delivered|bounced|complained)$/.test(m.type)).map((m) => m.type);
    return { events, suppression, webhooks };
  }
}
