import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { triggers } from '../../connector/events/triggers.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { pollFor, waitUntil } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;
const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

for (const backend of BACKENDS) {
  describe(`webhooks: signed events reach the host's receiver, retried and disabled as the spec says (${backend.name})`, function () {
    this.timeout(60_000);
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let sink: SmtpSink;
    const receivers: WebhookReceiver[] = [];
    const base = '/api/v1/scopes/hooks';
    /** 451 once for defer@…, 550 always for gone@…. */
    const deferred = new Set<string>();

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      sink = await new SmtpSink({
        tls: 'none',
        server: {
          onRcptTo: (a, _s, cb) => {
            if (a.address.startsWith('gone@')) return cb(smtpError('5.1.1 No such user', 550));
            if (a.address.startsWith('defer@') && !deferred.has(a.address)) {
              deferred.add(a.address);
              return cb(smtpError('4.7.1 Greylisted, try again later', 451));
            }
            cb();
          },
        },
      }).start();
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { webhookRetryScale: 0.01, retryBaseMs: 100, pollMs: 100 } }).start();
      const c = await envoi.api('POST', `${base}/connections`, smtpConnection(sink, { authMethod: 'NONE' }));
      expect(c.status, c.text).to.equal(201);
      await envoi.api('POST', `${base}/connections/${c.body.id}/default`);
    });
    after(async () => {
      await envoi?.stop();
      await sink?.close();
      await Promise.all(receivers.map((r) => r.close()));
      await drop?.();
    });

    /** A receiver and an endpoint of the scope pointing at it, hearing `events`. */
    const endpoint = async (events: string[] = ['*']) => {
      const receiver = await new WebhookReceiver().start();
      receivers.push(receiver);
      const r = await envoi.api('POST', `${base}/webhooks`, { url: receiver.url(), events, description: 'the host' });
      expect(r.status, r.text).to.equal(201);
      receiver.secret = r.body.secret;
      return { receiver, id: r.body.id as string };
    };
    const send = async (to: string) => {
      const r = await envoi.api('POST', `${base}/actions/send-email/execute`, { input: { to, subject: `hello ${to}`, text: 'x' }, idempotencyKey: `k-${to}` });
      expect(r.status, r.text).to.equal(202);
      return r.body.deliveryId as string;
    };
    const messages = async (id: string) => (await envoi.api('GET', `${base}/webhooks/${id}/messages`)).body;
    const forDelivery = (receiver: WebhookReceiver, deliveryId: string) => receiver.received.filter((h) => h.event?.data.deliveryId === deliveryId);

    it('delivery.sent after a send: verified by standardwebhooks, with the delivery, its Message-ID and who accepted it', async () => {
      const { receiver } = await endpoint(['delivery.sent', 'delivery.failed']);
      const deliveryId = await send('ann@customer.test');
      await waitUntil('delivery.sent', () => forDelivery(receiver, deliveryId).length > 0, 20_000);
      const [hook] = forDelivery(receiver, deliveryId);
      expect(hook!.error).to.equal(undefined);
      expect(hook!.event!.type).to.equal('delivery.sent');
      const d = (await envoi.api('GET', `${base}/deliveries/${deliveryId}`)).body;
      expect(hook!.event!.data).to.deep.include({ deliveryId, scope: 'hooks', action: 'send-email', idempotencyKey: 'k-ann@customer.test', messageId: d.messageId, accepted: ['ann@customer.test'], rejected: [] });
      expect(hook!.event!.data.connection).to.deep.equal(d.connection);
      expect(hook!.id).to.match(/^msg_/);
      expect(Math.abs(Number(hook!.timestamp) - Date.now() / 1000)).to.be.below(60);
      expect(receiver.received.every((h) => h.error === undefined), 'every message verifies').to.equal(true);
    });

    it('delivery.retrying then delivery.sent after a 451; delivery.failed after a 550 with the error', async () => {
      const { receiver } = await endpoint(['delivery.sent', 'delivery.retrying', 'delivery.failed']);
      const later = await send('defer@customer.test');
      const gone = await send('gone@customer.test');
      await waitUntil('the retried delivery to be sent', () => forDelivery(receiver, later).some((h) => h.event!.type === 'delivery.sent'), 20_000);
      const types = forDelivery(receiver, later).map((h) => h.event!.type);
      expect(types).to.deep.equal(['delivery.retrying', 'delivery.sent']);
      const retrying = forDelivery(receiver, later)[0]!.event!.data;
      expect(retrying.error.code).to.equal('RECIPIENT_DEFERRED');
      expect(retrying.error.reply).to.match(/451/);
      expect(Date.parse(retrying.nextAttemptAt)).to.be.a('number').and.not.NaN;
      await waitUntil('delivery.failed', () => forDelivery(receiver, gone).length > 0, 20_000);
      const failed = forDelivery(receiver, gone);
      expect(failed.map((h) => h.event!.type)).to.deep.equal(['delivery.failed']);
      expect(failed[0]!.event!.data.error).to.deep.include({ code: 'RECIPIENT_REJECTED' });
      expect(failed[0]!.event!.data.error.reply).to.match(/550/);
      expect(receiver.received.every((h) => h.error === undefined)).to.equal(true);
    });

    it('a receiver answering 500 twice gets the same webhook-id three times; each try and answer is on the message', async () => {
      const { receiver, id } = await endpoint(['webhook.test']);
      receiver.answers = [500, 500];
      const t = await envoi.api('POST', `${base}/webhooks/${id}/test`);
      expect(t.status, t.text).to.equal(202);
      await waitUntil('three tries', () => receiver.received.length >= 3, 20_000);
      expect(new Set(receiver.received.map((h) => h.id))).to.deep.equal(new Set([t.body.id]));
      expect(receiver.received.every((h) => h.event?.type === 'webhook.test' && h.event.data.endpointId === id)).to.equal(true);
      const page = await pollFor(() => messages(id), (p) => p.items[0]?.status === 'delivered', (p) => `still ${JSON.stringify(p)}`, 10_000);
      const m = page.items[0];
      expect(m).to.include({ id: t.body.id, type: 'webhook.test', attempts: 3, lastStatus: 200, nextAttemptAt: null });
      expect(m.attemptLog.map((a: { status: number }) => a.status)).to.deep.equal([500, 500, 200]);
      expect(m.attemptLog[0].response).to.equal(`answer 500 to ${t.body.id}`);
      expect(m.attemptLog[0].error).to.match(/500/);
      // The retry schedule, scaled by 0.01: about 50 ms, then about 3 s.
      const gap = Date.parse(m.attemptLog[2].startedAt) - Date.parse(m.attemptLog[1].startedAt);
      expect(gap).to.be.within(2500, 10_000);
    });

    it('410 Gone disables the endpoint and fails its pending messages; it hears nothing more until enabled', async () => {
      const { receiver, id } = await endpoint(['webhook.test', 'delivery.sent']);
      receiver.answers = [410];
      await envoi.api('POST', `${base}/webhooks/${id}/test`);
      const e = await pollFor(async () => (await envoi.api('GET', `${base}/webhooks/${id}`)).body, (b) => b.enabled === false, (b) => `still ${JSON.stringify(b)}`, 10_000);
      expect(e.disabledReason).to.match(/410/);
      expect((await messages(id)).items[0]).to.include({ status: 'failed', attempts: 1, lastStatus: 410 });
      const before = receiver.received.length;
      const deliveryId = await send('after-410@customer.test');
      await pollFor(async () => (await envoi.api('GET', `${base}/deliveries/${deliveryId}`)).body, (d) => d.status === 'sent', (d) => d.status, 20_000);
      const t = await envoi.api('POST', `${base}/webhooks/${id}/test`);
      expect(t.status).to.equal(409);
      expect(t.body.error.code).to.equal('CONFLICT');
      expect(receiver.received.length).to.equal(before);
      const on = await envoi.api('PATCH', `${base}/webhooks/${id}`, { enabled: true });
      expect(on.body).to.include({ enabled: true, disabledReason: null });
      expect((await envoi.api('POST', `${base}/webhooks/${id}/test`)).status).to.equal(202);
      await waitUntil('the test after enabling', () => receiver.received.length === before + 1, 10_000);
    });

    it("every event the receivers got matches its trigger's data schema (the manifest's)", () => {
      const ajv = addFormats(new Ajv2020({ strict: true }));
      const schemas = new Map(triggers().map((t) => [t.key, ajv.compile(t.dataSchema)]));
      const got = receivers.flatMap((r) => r.received);
      expect(new Set(got.map((h) => h.event!.type))).to.deep.equal(new Set(['delivery.sent', 'delivery.retrying', 'delivery.failed', 'webhook.test']));
      for (const h of got) {
        const validate = schemas.get(h.event!.type as never)!;
        expect(validate(h.event!.data), `${h.event!.type}: ${JSON.stringify(validate.errors)}`).to.equal(true);
      }
    });
  });
}
