import { expect } from 'chai';
import { Resend } from 'resend';
import { TestEnvoi } from '../../../support/harness.js';
import { EventsRig } from '../../../support/provider-events.js';
import { deliver } from '../../../support/signed-post.js';
import { ResendStandin } from '../../../support/standins/resend.js';

/** An event as Resend posts it (https://resend.com/docs/dashboard/webhooks/event-types). */
const event = (type: string, emailId: string, to: string, extra: Record<string, unknown> = {}) => ({
  type, created_at: new Date().toISOString(), data: { created_at: new Date().toISOString(), email_id: emailId, from: 'Acme <news@acme.test>', to: [to], subject: 'Hello', ...extra },
});

describe('Resend webhooks signed through Svix (against a local stand-in)', () => {
  let rs: ResendStandin;
  let envoi: TestEnvoi;
  let rig: EventsRig;
  let connId: string;

  before(async () => {
    rs = await new ResendStandin().start();
    const key = rs.addKey();
    rs.addDomain('acme.test');
    envoi = await new TestEnvoi({ overrides: { resendUrl: rs.url, publicUrl: 'https://mail.acme.test', retryBaseMs: 100, pollMs: 50 } }).start();
    rig = new EventsRig(envoi, 'rs');
    const view = await rig.connection({ name: 'Acme Resend', provider: 'resend', senderEmail: 'news@acme.test', apiKey: key.key, webhookSecret: rs.webhookSecret });
    connId = view.id;
    expect(view).to.include({ hasWebhookSecret: true, eventUrl: `https://mail.acme.test/hooks/v1/${connId}` });
    expect(JSON.stringify(view)).not.to.include(rs.webhookSecret);
    await rig.addEndpoint();
  });
  after(async () => {
    await envoi.stop();
    await rs.stop();
  });

  it('the stand-in signs as Resend does: the official SDK\'s webhooks.verify accepts it, and refuses a changed body', () => {
    const post = rs.eventPost('http://unused', event('email.delivered', 'x', 'a@b.test'));
    const headers = { id: post.headers['svix-id']!, timestamp: post.headers['svix-timestamp']!, signature: post.headers['svix-signature']! };
    const sdk = new Resend('re_unused');
    expect(sdk.webhooks.verify({ payload: post.body, headers, webhookSecret: rs.webhookSecret })).to.have.property('type', 'email.delivered');
    expect(() => sdk.webhooks.verify({ payload: post.body.replace('delivered', 'bounced'), headers, webhookSecret: rs.webhookSecret })).to.throw();
  });

  it('email.delivered, email.bounced (Permanent: hard, suppressed; Transient: soft) and email.complained', async () => {
    const a = await rig.send('ada@customer.test');
    const b = await rig.send('bob@customer.test');
    const url = rig.hookUrl(connId);
    for (const p of [
      event('email.delivered', a.providerMessageId, 'ada@customer.test'),
      event('email.bounced', a.providerMessageId, 'ada@customer.test', { bounce: { message: 'The recipient\'s email address does not exist.', subType: 'General', type: 'Permanent' } }),
      event('email.bounced', b.providerMessageId, 'bob@customer.test', { bounce: { message: 'Mailbox full', subType: 'MailboxFull', type: 'Transient' } }),
    ]) {
      const r = await deliver(rs.eventPost(url, p));
      expect(r.status, r.text).to.equal(200);
    }
    const sa = await rig.state(a.deliveryId, 'ada@customer.test');
    expect(sa.events.map((e) => e.type)).to.deep.equal(['delivered', 'bounced']);
    expect(sa.events[1]).to.deep.include({ source: 'resend', bounce: { type: 'hard', diagnostic: 'General: The recipient\'s email address does not exist.' } });
    expect(sa.suppression).to.equal('hard-bounce');
    expect(sa.webhooks.sort()).to.deep.equal(['delivery.bounced', 'delivery.delivered']);
    const sb = await rig.state(b.deliveryId, 'bob@customer.test');
    expect(sb.events[0]!.bounce).to.deep.include({ type: 'soft' });
    expect(sb.suppression).to.equal(undefined);
    await deliver(rs.eventPost(url, event('email.complained', b.providerMessageId, 'bob@customer.test')));
    expect((await rig.state(b.deliveryId, 'bob@customer.test')).suppression).to.equal('complaint');
  });

  it('a tampered body, another secret and a timestamp over 5 minutes old are 401 and change nothing', async () => {
    const d = await rig.send('eve@customer.test');
    const url = rig.hookUrl(connId);
    const good = rs.eventPost(url, event('email.complained', d.providerMessageId, 'eve@customer.test'));
    const posts = [
      { ...good, body: good.body.replace('eve@', 'eva@') },
      new ResendStandin().eventPost(url, event('email.complained', d.providerMessageId, 'eve@customer.test')),
      rs.eventPost(url, event('email.complained', d.providerMessageId, 'eve@customer.test'), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    ];
    for (const post of posts) {
      const r = await deliver(post);
      expect(r.status, r.text).to.equal(401);
      expect(r.body.error.code).to.equal('UNAUTHORIZED');
    }
    expect(await rig.state(d.deliveryId, 'eve@customer.test')).to.deep.equal({ events: [], suppression: undefined, webhooks: [] });
  });

  it('a PATCH without the webhook secret keeps it; a connection without one refuses events with a hint', async () => {
    const patched = await envoi.api('PATCH', `/api/v1/scopes/rs/connections/${connId}`, { senderName: 'Acme' });
    expect(patched.body).to.include({ hasWebhookSecret: true });
    const bare = await rig.connection({ name: 'No secret', provider: 'resend', senderEmail: 'news@acme.test', apiKey: rs.addKey().key, isDefault: false });
    expect(bare).to.include({ hasWebhookSecret: false });
    const r = await deliver(rs.eventPost(rig.hookUrl(bare.id), event('email.delivered', 'x', 'a@b.test')));
    expect(r.status).to.equal(401);
    expect(r.body.error.hint).to.match(/Signing secret/);
  });
});
