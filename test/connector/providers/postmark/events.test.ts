import { expect } from 'chai';
import { TestEnvoi } from '../../../support/harness.js';
import { EventsRig } from '../../../support/provider-events.js';
import { deliver } from '../../../support/signed-post.js';
import { PostmarkStandin } from '../../../support/standins/postmark.js';

describe('Postmark webhooks with the basic-auth credentials Envoi generates (against a local stand-in)', () => {
  let pm: PostmarkStandin;
  let envoi: TestEnvoi;
  let rig: EventsRig;
  let connId: string;
  let eventUrl: string;
  /** The connection's event URL on this test server: the view's URL with the test server's origin. */
  const local = () => {
    const u = new URL(eventUrl);
    const l = new URL(envoi.url);
    u.protocol = l.protocol;
    u.host = l.host;
    return u.toString();
  };

  before(async () => {
    pm = await new PostmarkStandin().start();
    const server = pm.addServer({ name: 'Acme transactional' });
    pm.signatures.add('@acme.test');
    envoi = await new TestEnvoi({ overrides: { postmarkUrl: pm.url, publicUrl: 'https://mail.acme.test/', retryBaseMs: 100, pollMs: 50 } }).start();
    rig = new EventsRig(envoi, 'pm');
    const view = await rig.connection({ name: 'Acme Postmark', provider: 'postmark', senderEmail: 'news@acme.test', serverToken: server.token });
    connId = view.id;
    eventUrl = view.eventUrl;
    await rig.addEndpoint();
  });
  after(async () => {
    await envoi.stop();
    await pm.stop();
  });

  it('the event URL carries credentials made for this connection; they survive a restart', async () => {
    const u = new URL(eventUrl);
    expect(`${u.origin}${u.pathname}`).to.equal(`https://mail.acme.test/hooks/v1/${connId}`);
    expect(u.username).to.equal(connId);
    expect(u.password).to.match(/^[A-Za-z0-9_-]{43}$/);
    await envoi.restart();
    const again = await envoi.api('GET', `/api/v1/scopes/pm/connections/${connId}`);
    expect(again.body.eventUrl).to.equal(eventUrl);
  });

  it('Delivery, a HardBounce (suppressed), a SoftBounce (not) and a SpamComplaint (suppressed), each with its webhook', async () => {
    const a = await rig.send('ada@customer.test');
    const b = await rig.send('bob@customer.test');
    const url = local();
    const posts = [
      { RecordType: 'Delivery', ServerID: 23, MessageStream: 'outbound', MessageID: a.providerMessageId, Recipient: 'ada@customer.test', Tag: '', DeliveredAt: '2026-11-30T10:00:00Z', Details: 'Test delivery webhook details', Metadata: {} },
      { RecordType: 'Bounce', ID: 4323372036854775807, Type: 'HardBounce', TypeCode: 1, Name: 'Hard bounce', MessageID: a.providerMessageId, MessageStream: 'outbound', Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).', Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.', Email: 'ada@customer.test', From: 'news@acme.test', BouncedAt: '2026-11-30T10:01:00Z', Inactive: true, CanActivate: true },
      { RecordType: 'Bounce', ID: 4323372036854775808, Type: 'SoftBounce', TypeCode: 4096, MessageID: b.providerMessageId, Description: 'Mailbox full', Details: 'smtp;452 4.2.2 Mailbox full', Email: 'bob@customer.test', BouncedAt: '2026-11-30T10:02:00Z' },
    ];
    for (const p of posts) {
      const r = await deliver(pm.eventPost(url, p));
      expect(r.status, r.text).to.equal(200);
    }
    const sa = await rig.state(a.deliveryId, 'ada@customer.test');
    expect(sa.events.map((e) => e.type)).to.deep.equal(['delivered', 'bounced']);
    expect(sa.events[1]).to.deep.include({ source: 'postmark', bounce: { type: 'hard', diagnostic: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.' } });
    expect(sa.suppression).to.equal('hard-bounce');
    expect(sa.webhooks.sort()).to.deep.equal(['delivery.bounced', 'delivery.delivered']);
    const sb = await rig.state(b.deliveryId, 'bob@customer.test');
    expect(sb.events.map((e) => e.bounce)).to.deep.equal([{ type: 'soft', diagnostic: 'smtp;452 4.2.2 Mailbox full' }]);
    expect(sb.suppression).to.equal(undefined);
    const spam = await deliver(pm.eventPost(url, { RecordType: 'SpamComplaint', ID: 42, Type: 'SpamComplaint', TypeCode: 512, MessageID: b.providerMessageId, Email: 'bob@customer.test', BouncedAt: '2026-11-30T10:03:00Z' }));
    expect(spam.status).to.equal(200);
    expect((await rig.state(b.deliveryId, 'bob@customer.test')).suppression).to.equal('complaint');
  });

  it('wrong credentials, another connection\'s credentials and none at all are 401 and change nothing', async () => {
    const d = await rig.send('eve@customer.test');
    const body = { RecordType: 'SpamComplaint', ID: 7, Type: 'SpamComplaint', MessageID: d.providerMessageId, Email: 'eve@customer.test' };
    const wrong = new URL(local());
    wrong.password = 'guessed';
    const other = await rig.connection({ name: 'Other Postmark', provider: 'postmark', senderEmail: 'news@acme.test', serverToken: pm.addServer().token });
    const otherUrl = new URL(local());
    otherUrl.password = new URL(other.eventUrl).password;
    const bare = pm.eventPost(local(), body);
    for (const post of [pm.eventPost(wrong.toString(), body), pm.eventPost(otherUrl.toString(), body), { ...bare, headers: {} }]) {
      const r = await deliver(post);
      expect(r.status, r.text).to.equal(401);
      expect(r.body.error.hint).to.match(/Webhooks/);
    }
    expect(await rig.state(d.deliveryId, 'eve@customer.test')).to.deep.equal({ events: [], suppression: undefined, webhooks: [] });
  });
});
