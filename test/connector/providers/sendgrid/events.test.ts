import crypto from 'node:crypto';
import { expect } from 'chai';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { TestEnvoi } from '../../../support/harness.js';
import { EventsRig } from '../../../support/provider-events.js';
import { deliver } from '../../../support/signed-post.js';
import { SendGridStandin } from '../../../support/standins/sendgrid.js';

/** An event as SendGrid posts it; sg_message_id is the send's X-Message-Id plus SendGrid's own suffix. */
const event = (event: string, xMessageId: string, email: string, extra: Record<string, unknown> = {}) => ({
  email, timestamp: Math.floor(Date.now() / 1000), event, sg_event_id: crypto.randomBytes(16).toString('base64url'),
  sg_message_id: `${xMessageId}.filterdrecv-5bd8bd8d9d-abcde-1-6568C3D4-1.0`, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', ...extra,
});

describe('SendGrid signed Event Webhook (against a local stand-in)', () => {
  let sg: SendGridStandin;
  let envoi: TestEnvoi;
  let rig: EventsRig;
  let connId: string;

  before(async () => {
    sg = await new SendGridStandin().start();
    envoi = await new TestEnvoi({ overrides: { sendgridUrl: sg.url, retryBaseMs: 100, pollMs: 50 } }).start();
    rig = new EventsRig(envoi, 'sg');
    const view = await rig.connection({ name: 'Acme SendGrid', provider: 'sendgrid', senderEmail: 'news@acme.test', apiKey: sg.addKey(), eventWebhookPublicKey: sg.eventPublicKey });
    connId = view.id;
    // Without ENVOI_PUBLIC_URL there is no event URL to show, and the view says what to set.
    expect(view.eventUrl).to.equal(null);
    expect(view.warnings.map((w: { code: string }) => w.code)).to.include('PUBLIC_URL_UNSET');
    await rig.addEndpoint();
  });
  after(async () => {
    await envoi.stop();
    await sg.stop();
  });

  it('the stand-in signs as SendGrid does: the official @sendgrid/eventwebhook verifier accepts it, and refuses a changed body', () => {
    const post = sg.eventPost('http://unused', [event('delivered', 'abc', 'a@b.test')]);
    const ew = new EventWebhook();
    const key = ew.convertPublicKeyToECDSA(sg.eventPublicKey);
    const sig = post.headers['x-twilio-email-event-webhook-signature']!;
    const ts = post.headers['x-twilio-email-event-webhook-timestamp']!;
    expect(ew.verifySignature(key, post.body, sig, ts)).to.equal(true);
    expect(ew.verifySignature(key, post.body.replace('delivered', 'bounce'), sig, ts)).to.equal(false);
  });

  it('a batch of delivered, bounce (hard), blocked (soft) and spamreport lands on the right recipients; hard bounce and complaint suppress', async () => {
    const a = await rig.send('ada@customer.test');
    const b = await rig.send('bob@customer.test');
    const c = await rig.send('cy@customer.test');
    const r = await deliver(sg.eventPost(rig.hookUrl(connId), [
      event('processed', a.providerMessageId, 'ada@customer.test'),
      event('delivered', a.providerMessageId, 'ada@customer.test'),
      event('bounce', b.providerMessageId, 'bob@customer.test', { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 The email account that you tried to reach does not exist.' }),
      event('bounce', c.providerMessageId, 'cy@customer.test', { type: 'blocked', status: '4.0.0', reason: '421 try later' }),
      event('spamreport', a.providerMessageId, 'ada@customer.test'),
    ]));
    expect(r.status, r.text).to.equal(200);
    expect(r.body).to.include({ received: 4, recorded: 4 });
    const sa = await rig.state(a.deliveryId, 'ada@customer.test');
    expect(sa.events.map((e) => e.type)).to.deep.equal(['delivered', 'complained']);
    expect(sa.suppression).to.equal('complaint');
    expect(sa.webhooks.sort()).to.deep.equal(['delivery.complained', 'delivery.delivered']);
    const sb = await rig.state(b.deliveryId, 'bob@customer.test');
    expect(sb.events[0]).to.deep.include({ type: 'bounced', source: 'sendgrid', bounce: { type: 'hard', status: '5.1.1', diagnostic: '550 5.1.1 The email account that you tried to reach does not exist.' } });
    expect(sb.suppression).to.equal('hard-bounce');
    const sc = await rig.state(c.deliveryId, 'cy@customer.test');
    expect(sc.events[0]!.bounce).to.deep.include({ type: 'soft' });
    expect(sc.suppression).to.equal(undefined);
  });

  it('a tampered body, a wrong signature and a post without one are 401 and change nothing', async () => {
    const d = await rig.send('eve@customer.test');
    const good = sg.eventPost(rig.hookUrl(connId), [event('spamreport', d.providerMessageId, 'eve@customer.test')]);
    const other = new SendGridStandin();
    const posts = [
      { ...good, body: good.body.replace('eve@', 'eva@') },
      other.eventPost(good.url, JSON.parse(good.body)),
      { ...good, headers: {} },
    ];
    for (const post of posts) {
      const r = await deliver(post);
      expect(r.status, r.text).to.equal(401);
      expect(r.body.error).to.include({ code: 'UNAUTHORIZED' });
      expect(r.body.error.hint).to.match(/Event Webhook/);
    }
    expect(await rig.state(d.deliveryId, 'eve@customer.test')).to.deep.equal({ events: [], suppression: undefined, webhooks: [] });
    expect((await deliver(good)).status).to.equal(200);
    expect((await deliver(good)).body, 'the same events again are recorded once').to.include({ recorded: 0 });
  });

  it('a key that is not an ECDSA P-256 public key is refused at save, naming the field', async () => {
    const r = await envoi.api('POST', '/api/v1/scopes/sg/connections', { name: 'Bad key', provider: 'sendgrid', senderEmail: 'news@acme.test', apiKey: sg.addKey(), eventWebhookPublicKey: Buffer.from('not a key').toString('base64') });
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.equal([{ path: '/eventWebhookPublicKey', message: 'is not an ECDSA P-256 public key (base64 DER or PEM)' }]);
  });
});
