import crypto from 'node:crypto';
import { expect } from 'chai';
import { skipUnlessCI } from '../../../support/env.js';
import { BACKENDS, TestEnvoi } from '../../../support/harness.js';
import { EventsRig } from '../../../support/provider-events.js';
import { deliver } from '../../../support/signed-post.js';
import { MailgunStandin } from '../../../support/standins/mailgun.js';

const DOMAIN = 'mg.acme.test';
const eventData = (event: string, providerMessageId: string, recipient: string, extra: Record<string, unknown> = {}) => ({
  id: crypto.randomBytes(16).toString('base64url'), timestamp: Date.now() / 1000, event, recipient,
  message: { headers: { to: recipient, 'message-id': providerMessageId, from: `news@${DOMAIN}`, subject: 'Hello' } }, ...extra,
});

for (const backend of BACKENDS) {
  describe(`Mailgun webhooks: signed events mark recipients, replays refused (${backend.name})`, function () {
    let mg: MailgunStandin;
    let envoi: TestEnvoi;
    let rig: EventsRig;
    let connId: string;
    let drop: (() => Promise<void>) | undefined;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      mg = await new MailgunStandin().start();
      mg.addDomain(DOMAIN);
      const key = mg.addPrivateKey();
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { mailgunUrl: mg.url, publicUrl: 'https://mail.acme.test', retryBaseMs: 100, pollMs: 50 } }).start();
      rig = new EventsRig(envoi, 'mg');
      const view = await rig.connection({ name: 'Acme Mailgun', provider: 'mailgun', senderEmail: `news@${DOMAIN}`, domain: DOMAIN, apiKey: key, webhookSigningKey: mg.webhookSigningKey });
      connId = view.id;
      await rig.addEndpoint();
    });
    after(async () => {
      await envoi?.stop();
      await mg?.stop();
      await drop?.();
    });

    it('the view shows hasWebhookSigningKey and the event URL, never the key; a PATCH without it keeps it', async () => {
      const r = await envoi.api('GET', `/api/v1/scopes/mg/connections/${connId}`);
      expect(r.body).to.include({ hasSecret: true, hasWebhookSigningKey: true, eventUrl: `https://mail.acme.test/hooks/v1/${connId}` });
      expect(r.text).not.to.include(mg.webhookSigningKey);
      const patched = await envoi.api('PATCH', `/api/v1/scopes/mg/connections/${connId}`, { senderName: 'Acme News' });
      expect(patched.status, patched.text).to.equal(200);
      expect(patched.body).to.include({ hasWebhookSigningKey: true });
      expect(patched.text).not.to.include(mg.webhookSigningKey);
      const { deliveryId, providerMessageId } = await rig.send('kept@customer.test');
      const ok = await deliver(mg.eventPost(rig.hookUrl(connId), eventData('delivered', providerMessageId, 'kept@customer.test')));
      expect(ok.status, ok.text).to.equal(200);
      expect((await rig.state(deliveryId, 'kept@customer.test')).events.map((e) => e.type)).to.deep.equal(['delivered']);
    });

    it('delivered, a permanent failure (hard: suppressed) and a temporary one (soft: not), a complaint; each queues its webhook', async () => {
      const { deliveryId, providerMessageId } = await rig.send('ada@customer.test');
      const url = rig.hookUrl(connId);
      for (const post of [
        mg.eventPost(url, eventData('delivered', providerMessageId, 'ada@customer.test')),
        mg.eventPost(url, eventData('failed', providerMessageId, 'ada@customer.test', { severity: 'permanent', reason: 'bounce', 'delivery-status': { code: 550, message: '5.1.1 The email account that you tried to reach does not exist', 'enhanced-code': '5.1.1' } })),
      ]) expect((await deliver(post)).status).to.equal(200);
      const s = await rig.state(deliveryId, 'ada@customer.test');
      expect(s.events.map((e) => e.type)).to.deep.equal(['delivered', 'bounced']);
      expect(s.events[1]).to.deep.include({ source: 'mailgun', bounce: { type: 'hard', status: '5.1.1', diagnostic: '550 5.1.1 The email account that you tried to reach does not exist' } });
      expect(s.suppression).to.equal('hard-bounce');
      expect(s.webhooks.sort()).to.deep.equal(['delivery.bounced', 'delivery.delivered']);

      const soft = await rig.send('full@customer.test');
      await deliver(mg.eventPost(url, eventData('failed', soft.providerMessageId, 'full@customer.test', { severity: 'temporary', 'delivery-status': { code: 452, message: '4.2.2 Mailbox full' } })));
      const sSoft = await rig.state(soft.deliveryId, 'full@customer.test');
      expect(sSoft.events.map((e) => e.bounce)).to.deep.equal([{ type: 'soft', diagnostic: '452 4.2.2 Mailbox full' }]);
      expect(sSoft.suppression).to.equal(undefined);

      const spam = await rig.send('angry@customer.test');
      await deliver(mg.eventPost(url, eventData('complained', spam.providerMessageId, 'angry@customer.test')));
      expect((await rig.state(spam.deliveryId, 'angry@customer.test')).suppression).to.equal('complaint');
    });

    // Mailgun signs the timestamp and token only (not the event data): a changed token is the tampering it can see.
    it('a tampered token, a wrong key, a reused token and an old timestamp are 401 and change nothing', async () => {
      const { deliveryId, providerMessageId } = await rig.send('eve@customer.test');
      const url = rig.hookUrl(connId);
      const good = mg.eventPost(url, eventData('complained', providerMessageId, 'eve@customer.test'));
      const token = JSON.parse(good.body).signature.token as string;
      const tampered = { ...good, body: good.body.replace(token, `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`) };
      const other = new MailgunStandin();
      const wrongKey = other.eventPost(url, eventData('complained', providerMessageId, 'eve@customer.test'));
      const old = mg.eventPost(url, eventData('complained', providerMessageId, 'eve@customer.test'), { timestamp: Math.floor(Date.now() / 1000) - 301 });
      for (const post of [tampered, wrongKey, old]) {
        const r = await deliver(post);
        expect(r.status, r.text).to.equal(401);
        expect(r.body.error.code).to.equal('UNAUTHORIZED');
        expect(r.body.error.hint).to.be.a('string').and.not.empty;
      }
      expect(await rig.state(deliveryId, 'eve@customer.test')).to.deep.equal({ events: [], suppression: undefined, webhooks: [] });
      expect((await deliver(good)).status).to.equal(200);
      const replay = await deliver(good);
      expect(replay.status).to.equal(401);
      expect(replay.body.error.message).to.match(/token was used before/);
      expect((await rig.state(deliveryId, 'eve@customer.test')).events).to.have.length(1);
    });

    it('an unknown connection is 404; an event for a message Envoi did not send is taken and ignored', async () => {
      const missing = await deliver(mg.eventPost(rig.hookUrl('nope'), eventData('delivered', 'x@mg', 'a@b.test')));
      expect(missing.status).to.equal(404);
      const unknown = await deliver(mg.eventPost(rig.hookUrl(connId), eventData('delivered', 'not-ours@mg.acme.test', 'a@b.test')));
      expect(unknown.status).to.equal(200);
      expect(unknown.body).to.include({ received: 1, recorded: 0 });
    });
  });
}
