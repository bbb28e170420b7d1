import crypto from 'node:crypto';
import { expect } from 'chai';
import { trustedUrl } from '../../../../connector/providers/ses/sns.js';
import { TestEnvoi } from '../../../support/harness.js';
import { EventsRig } from '../../../support/provider-events.js';
import { deliver } from '../../../support/signed-post.js';
import { SesStandIn } from '../../../support/standins/ses.js';
import { SnsStandin } from '../../../support/standins/sns.js';

/** An SES event (docs "Contents of notifications" / "Event publishing"): identity notifications name `notificationType`, configuration sets `eventType`. */
const sesEvent = (kind: 'notificationType' | 'eventType', type: string, messageId: string, body: Record<string, unknown>) => ({
  [kind]: type, mail: { timestamp: new Date().toISOString(), source: 'app@example.com', messageId, destination: ['x@customer.test'] }, ...body,
});

describe('SES events through SNS: signatures checked with certificates from ENVOI_SNS_CERT_HOSTS only', () => {
  let ses: SesStandIn;
  let sns: SnsStandin;
  let envoi: TestEnvoi;
  let rig: EventsRig;
  let connId: string;

  before(async () => {
    ses = await new SesStandIn('eu-west-1').start();
    ses.account.identities.push('example.com');
    const key = ses.addKey();
    sns = await new SnsStandin().start();
    // The test's SNS serves its certificate over http on 127.0.0.1: listed by name, so allowed.
    envoi = await new TestEnvoi({ overrides: { sesUrl: ses.url, snsCertHosts: ['127.0.0.1'], retryBaseMs: 100, pollMs: 50 } }).start();
    rig = new EventsRig(envoi, 'aws');
    connId = (await rig.connection({ name: 'Amazon SES', provider: 'ses', senderEmail: 'app@example.com', region: 'eu-west-1', accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey })).id;
    await rig.addEndpoint();
  });
  after(async () => {
    await envoi.stop();
    await ses.stop();
    await sns.stop();
  });

  it('https only, on hosts matching a pattern label by label; http only for a loopback address listed by name', () => {
    const aws = ['sns.*.amazonaws.com'];
    expect(trustedUrl('https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem', aws)?.host).to.equal('sns.eu-west-1.amazonaws.com');
    for (const bad of ['http://sns.eu-west-1.amazonaws.com/c.pem', 'https://sns.eu-west-1.amazonaws.com.evil.test/c.pem', 'https://a.sns.eu-west-1.amazonaws.com/c.pem', 'https://sns.amazonaws.com/c.pem', 'https://sns.eu-west-1.amazonaws.com:8443/c.pem', 'https://u:p@sns.eu-west-1.amazonaws.com/c.pem', 'http://127.0.0.1:9/c.pem', 'not a url']) {
      expect(trustedUrl(bad, aws), bad).to.equal(undefined);
    }
    expect(trustedUrl('http://127.0.0.1:9/c.pem', ['127.0.0.1'])?.port).to.equal('9');
    expect(trustedUrl('http://localhost:9/c.pem', ['localhost']), 'a name could resolve anywhere').to.equal(undefined);
  });

  it('a SubscriptionConfirmation is confirmed by fetching its SubscribeURL; one outside the hosts is refused', async () => {
    const r = await deliver(sns.subscriptionConfirmation(rig.hookUrl(connId)));
    expect(r.status, r.text).to.equal(200);
    expect(sns.confirmed).to.have.length(1);
    const foreign = await deliver(sns.subscriptionConfirmation(rig.hookUrl(connId), { subscribeUrl: `http://localhost:${new URL(sns.url).port}/?Action=ConfirmSubscription&Token=x` }));
    expect(foreign.status).to.equal(401);
    expect(sns.confirmed).to.have.length(1);
  });

  it('identity notifications and configuration-set events (signature versions 1 and 2): delivered, Permanent bounce (hard), Transient (soft), complaint', async () => {
    const a = await rig.send('ada@customer.test');
    const b = await rig.send('bob@customer.test');
    const url = rig.hookUrl(connId);
    const posts = [
      sns.notification(url, sesEvent('notificationType', 'Delivery', a.providerMessageId, { delivery: { timestamp: new Date().toISOString(), recipients: ['ada@customer.test'], smtpResponse: '250 ok' } }), { version: '1' }),
      sns.notification(url, sesEvent('eventType', 'Bounce', a.providerMessageId, { bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'ada@customer.test', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }], timestamp: new Date().toISOString(), feedbackId: 'f1' } }), { version: '2' }),
      sns.notification(url, sesEvent('notificationType', 'Bounce', b.providerMessageId, { bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: 'bob@customer.test', status: '4.2.2' }], timestamp: new Date().toISOString(), feedbackId: 'f2' } })),
    ];
    for (const post of posts) {
      const r = await deliver(post);
      expect(r.status, r.text).to.equal(200);
    }
    const sa = await rig.state(a.deliveryId, 'ada@customer.test');
    expect(sa.events.map((e) => e.type)).to.deep.equal(['delivered', 'bounced']);
    expect(sa.events[1]).to.deep.include({ source: 'ses', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown' } });
    expect(sa.suppression).to.equal('hard-bounce');
    expect(sa.webhooks.sort()).to.deep.equal(['delivery.bounced', 'delivery.delivered']);
    const sb = await rig.state(b.deliveryId, 'bob@customer.test');
    expect(sb.events.map((e) => e.bounce)).to.deep.equal([{ type: 'soft', status: '4.2.2' }]);
    expect(sb.suppression).to.equal(undefined);
    const complaint = sns.notification(url, sesEvent('eventType', 'Complaint', b.providerMessageId, { complaint: { complainedRecipients: [{ emailAddress: 'bob@customer.test' }], timestamp: new Date().toISOString(), feedbackId: 'f3' } }));
    expect((await deliver(complaint)).status).to.equal(200);
    expect((await rig.state(b.deliveryId, 'bob@customer.test')).suppression).to.equal('complaint');
  });

  it('a tampered message or a certificate URL outside ENVOI_SNS_CERT_HOSTS is 401, changes nothing, and the foreign certificate is never fetched', async () => {
    const d = await rig.send('eve@customer.test');
    const url = rig.hookUrl(connId);
    const event = sesEvent('notificationType', 'Complaint', d.providerMessageId, { complaint: { complainedRecipients: [{ emailAddress: 'eve@customer.test' }], feedbackId: crypto.randomUUID() } });
    const good = sns.notification(url, event);
    const tampered = { ...good, body: good.body.replace('eve@customer.test', 'eva@customer.test') };
    const fetched = sns.certFetches().length;
    const foreign = sns.notification(url, event, { certUrl: `http://localhost:${new URL(sns.url).port}/SimpleNotificationService-test.pem` });
    for (const post of [tampered, foreign]) {
      const r = await deliver(post);
      expect(r.status, r.text).to.equal(401);
      expect(r.body.error.code).to.equal('UNAUTHORIZED');
    }
    expect(sns.certFetches().length, 'the cached certificate was used; the foreign one never fetched').to.equal(fetched);
    expect(await rig.state(d.deliveryId, 'eve@customer.test')).to.deep.equal({ events: [], suppression: undefined, webhooks: [] });
  });
});
