import crypto from 'node:crypto';
import { expect } from 'chai';
import type { AddressObject } from 'mailparser';
import { TestEnvoi } from '../../../support/harness.js';
import { SesStandIn, type SesKey } from '../../../support/standins/ses.js';
import { pollFor, waitUntil } from '../../../support/wait.js';

const EXECUTE = '/api/v1/scopes/platform/actions/send-email/execute';
const addressesOf = (f: AddressObject | AddressObject[] | undefined) => (Array.isArray(f) ? f : f ? [f] : []).flatMap((a) => a.value.map((v) => v.address));

/** Sending through Amazon SES v2 SendEmail (raw MIME), against a stand-in that checks SigV4 as AWS does. */
describe('Amazon SES sends the outbox message as raw MIME', () => {
  let ses: SesStandIn;
  let envoi: TestEnvoi;
  let key: SesKey;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const until = (scope: string, id: string, statuses: string[], ms = 15_000) =>
    pollFor(async () => (await api('GET', `/api/v1/scopes/${scope}/deliveries/${id}`)).body, (d) => statuses.includes(d.status), (d) => `still ${d.status}: ${JSON.stringify(d)}`, ms);
  const connection = (scope: string) => api('POST', `/api/v1/scopes/${scope}/connections`, {
    name: 'Amazon SES', provider: 'ses', senderEmail: 'app@example.com', senderName: 'Example App', isDefault: true,
    region: 'eu-west-1', accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, configurationSet: 'transactional',
  });

  before(async () => {
    ses = await new SesStandIn('eu-west-1').start();
    ses.account.identities.push('example.com');
    ses.account.configurationSets.push('transactional');
    key = ses.addKey();
    envoi = await new TestEnvoi({ overrides: { sesUrl: ses.url, retryBaseMs: 100, pollMs: 50 } }).start();
    const c = await connection('platform');
    expect(c.status, c.text).to.equal(201);
  });
  after(async () => {
    await envoi.stop();
    await ses.stop();
  });

  it('send-email with every part arrives whole; Bcc is in Destination, not in the headers; SES\'s MessageId is recorded', async () => {
    const file = crypto.randomBytes(3000);
    const logo = crypto.randomBytes(600);
    const r = await api('POST', `${EXECUTE}?wait=10`, {
      input: {
        to: 'Ada <ada@customer.test>', cc: 'cc@customer.test', bcc: 'hidden@customer.test', replyTo: 'support@example.com',
        subject: 'Quarterly report', text: 'The report is attached.', html: '<p>The report</p><img src="cid:logo@example.com">',
        headers: { 'X-Campaign': 'q3-report' },
        attachments: [
          { filename: 'report.bin', contentType: 'application/octet-stream', content: file.toString('base64') },
          { filename: 'logo.png', contentType: 'image/png', content: logo.toString('base64'), cid: 'logo@example.com' },
        ],
        calendarEvent: { title: 'Review', start: '2026-12-03T10:00:00Z', end: '2026-12-03T11:00:00Z' },
      },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    expect(r.body.accepted).to.have.members(['ada@customer.test', 'cc@customer.test', 'hidden@customer.test']);
    const got = ses.sends.at(-1)!;
    expect(got.from).to.equal('app@example.com');
    expect(got.destination).to.deep.equal({ ToAddresses: ['ada@customer.test', 'cc@customer.test', 'hidden@customer.test'] });
    expect(got.configurationSet).to.equal('transactional');
    const m = got.parsed;
    expect(m.from!.value[0]).to.deep.include({ name: 'Example App', address: 'app@example.com' });
    expect(addressesOf(m.to)).to.deep.equal(['ada@customer.test']);
    expect(addressesOf(m.cc)).to.deep.equal(['cc@customer.test']);
    expect(m.bcc, 'no Bcc header').to.equal(undefined);
    expect(got.raw).not.to.include('hidden@customer.test');
    expect(addressesOf(m.replyTo)).to.deep.equal(['support@example.com']);
    expect(m.subject).to.equal('Quarterly report');
    expect(m.text?.trim()).to.equal('The report is attached.');
    expect(m.html).to.include('<img src="cid:logo@example.com">');
    expect(m.headers.get('x-campaign')).to.equal('q3-report');
    expect(m.messageId).to.equal(r.body.messageId);
    const report = m.attachments.find((a) => a.filename === 'report.bin')!;
    expect(Buffer.compare(report.content, file)).to.equal(0);
    const image = m.attachments.find((a) => a.filename === 'logo.png')!;
    expect(image.contentId).to.equal('<logo@example.com>');
    expect(Buffer.compare(image.content, logo)).to.equal(0);
    const invite = m.attachments.find((a) => a.contentType === 'text/calendar')!;
    expect(invite.content.toString('utf8')).to.match(/SUMMARY:Review/);
    const d = (await api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body;
    expect(d.attemptLog).to.have.length(1);
    expect(d.attemptLog[0]).to.include({ outcome: 'sent', providerMessageId: got.messageId });
  });

  it('429 with Retry-After: 1 twice, then success: one mail, every attempt recorded, the wait honoured', async () => {
    ses.queue(SesStandIn.throttled(1), SesStandIn.throttled(1));
    const before = ses.sends.length;
    const r = await api('POST', EXECUTE, { input: { to: 'slow@customer.test', subject: 'throttled', text: 'x' } });
    const d = await until('platform', r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(ses.sends.length - before).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['retry', 'retry', 'sent']);
    expect(d.attemptLog[0]).to.include({ responseCode: 429 });
    expect(d.attemptLog[0].reply).to.match(/TooManyRequestsException: Maximum sending rate exceeded\. \(Retry-After: 1\)/);
    for (let i = 1; i < 3; i++) {
      const gap = Date.parse(d.attemptLog[i].startedAt) - Date.parse(d.attemptLog[i - 1].startedAt) - d.attemptLog[i - 1].durationMs;
      expect(gap, 'Retry-After: 1 honoured').to.be.at.least(1000);
    }
  });

  it('throttling without Retry-After (as SES usually answers) is retried after the outbox\'s backoff', async () => {
    ses.queue(SesStandIn.throttled(), SesStandIn.error(400, 'LimitExceededException', 'Daily message quota exceeded.'));
    const before = ses.sends.length;
    const r = await api('POST', EXECUTE, { input: { to: 'backoff@customer.test', subject: 'backoff', text: 'x' } });
    const d = await until('platform', r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(ses.sends.length - before).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string; code?: string }) => [a.outcome, a.code])).to.deep.equal([['retry', 'THROTTLED'], ['retry', 'THROTTLED'], ['sent', null]]);
  });

  it('a connection reset after SES took the request is OUTCOME_UNKNOWN, with a hint that SES gives each copy its own Message-ID', async () => {
    ses.queue('reset', 'reset');
    const r = await api('POST', `${EXECUTE}?wait=20`, { input: { to: 'lost@customer.test', subject: 'reset', text: 'x' } });
    expect(r.body.error.code, r.text).to.equal('OUTCOME_UNKNOWN');
    expect(r.body.error.hint).to.match(/SES gives every message its own Message-ID, so if it is sent again the recipients may get two copies/);
    const d = await until('platform', r.body.deliveryId, ['unknown', 'sent', 'failed']);
    expect(d.status).to.equal('unknown');
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['unknown', 'unknown']);
  });

  it('a 5xx (InternalFailure) is retried and the mail sent once', async () => {
    ses.queue(SesStandIn.error(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.'));
    const before = ses.sends.length;
    const r = await api('POST', EXECUTE, { input: { to: 'again@customer.test', subject: 'five hundred', text: 'x' } });
    const d = await until('platform', r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(ses.sends.length - before).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['retry', 'sent']);
    expect(d.attemptLog[0].reply).to.match(/^HTTP 500 InternalFailure/);
  });

  it('MessageRejected fails at once with SES\'s words (an unverified recipient in the sandbox)', async () => {
    ses.account.productionAccess = false;
    try {
      const r = await api('POST', `${EXECUTE}?wait=10`, { input: { to: 'stranger@customer.test', subject: 'sandboxed', text: 'x' } });
      expect(r.body.status).to.equal('failed');
      expect(r.body.error.code).to.equal('MESSAGE_REJECTED');
      expect(r.body.error.message).to.equal('Amazon SES refused the message (400 MessageRejected): Email address is not verified. The following identities failed the check in region EU-WEST-1: stranger@customer.test');
      expect(r.body.error.hint).to.match(/in the sandbox, the sender and every recipient must be verified \(In the Amazon SES console, Configuration → Identities, region eu-west-1\)/i);
      const d = (await api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body;
      expect(d.attempts).to.equal(1);
    } finally {
      ses.account.productionAccess = true;
    }
  });

  it('a configuration set SES does not know (NotFoundException) is SENDER_REJECTED, pointing at identities and the set', async () => {
    const c = await api('POST', '/api/v1/scopes/noset/connections', {
      name: 'SES, wrong set', provider: 'ses', senderEmail: 'app@example.com', isDefault: true,
      region: 'eu-west-1', accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, configurationSet: 'missing',
    });
    expect(c.status, c.text).to.equal(201);
    const r = await api('POST', '/api/v1/scopes/noset/actions/send-email/execute?wait=10', { input: { to: 'x@customer.test', subject: 'no set', text: 'x' } });
    expect(r.body.status, r.text).to.equal('failed');
    expect(r.body.error.code).to.equal('SENDER_REJECTED');
    expect(r.body.error.message).to.equal('Amazon SES refused the sender (404 NotFoundException): Configuration set <missing> does not exist.');
    expect(r.body.error.hint).to.match(/Configuration → Identities \(region eu-west-1\).*check the configuration set name/);
  });

  it('SendingPausedException is a connection fault: the connection turns unhealthy and the mail waits; resumed and tested, it goes out', async () => {
    const c = await connection('paused');
    ses.account.sendingEnabled = false;
    const before = ses.sends.length;
    const r = await api('POST', '/api/v1/scopes/paused/actions/send-email/execute', { input: { to: 'later@customer.test', subject: 'paused', text: 'x' } });
    await waitUntil('the connection to turn unhealthy', async () => (await api('GET', `/api/v1/scopes/paused/connections/${c.body.id}`)).body.health.status === 'unhealthy', 10_000);
    const health = (await api('GET', `/api/v1/scopes/paused/connections/${c.body.id}`)).body.health;
    expect(health.lastError.code).to.equal('PERMISSION_MISSING');
    expect(health.lastError.message).to.match(/sending is paused for this account \(400 SendingPausedException\)/);
    const waiting = (await api('GET', `/api/v1/scopes/paused/deliveries/${r.body.deliveryId}`)).body;
    expect(waiting.status, JSON.stringify(waiting)).to.equal('queued');
    expect(waiting.attempts).to.equal(1);
    ses.account.sendingEnabled = true;
    const t = await api('POST', `/api/v1/scopes/paused/connections/${c.body.id}/test`);
    expect(t.body).to.include({ ok: true });
    const d = await until('paused', r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(ses.sends.length - before).to.equal(1);
  });

  it('the secret access key never appears in a response or a log line', () => {
    for (const text of seen) expect(text).not.to.include(key.secretAccessKey);
    for (const line of envoi.logs) expect(line).not.to.include(key.secretAccessKey);
  });
});
