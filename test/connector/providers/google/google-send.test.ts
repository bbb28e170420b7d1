import crypto from 'node:crypto';
import { expect } from 'chai';
import type { AddressObject } from 'mailparser';
import { TestEnvoi } from '../../../support/harness.js';
import { GoogleStandIn, type ServiceAccount } from '../../../support/standins/google.js';
import { pollFor } from '../../../support/wait.js';

const SENDER = 'ops@contoso.test';
const X = '/api/v1/scopes/platform/actions/send-email/execute';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

describe('Google Workspace sends through the Gmail API (against a local stand-in)', () => {
  let google: GoogleStandIn;
  let envoi: TestEnvoi;
  let account: ServiceAccount;
  const delivery = async (id: string) => (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body;
  const until = (id: string, statuses: string[]) => pollFor(() => delivery(id), (d) => statuses.includes(d.status), (d) => `still ${d.status}: ${JSON.stringify(d)}`, 15_000);

  before(async () => {
    google = await new GoogleStandIn().start();
    google.users.add(SENDER);
    account = google.addServiceAccount();
    envoi = await new TestEnvoi({ overrides: { googleTokenUrl: google.tokenUrl, gmailApiUrl: google.url, retryBaseMs: 100, pollMs: 50 } }).start();
    const created = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Workspace', provider: 'google', senderEmail: SENDER, senderName: 'Contoso Ops', serviceAccountKey: account.key, isDefault: true });
    expect(created.status, created.text).to.equal(201);
  });
  after(async () => {
    await envoi.stop();
    await google.close();
  });

  it('a mail with every part arrives as the sender, Bcc in the headers for Gmail; the attempt records Gmail\'s id', async () => {
    const file = crypto.randomBytes(3000);
    const r = await envoi.api('POST', `${X}?wait=10`, {
      input: {
        to: 'Ada <ada@customer.test>', cc: 'cc@customer.test', bcc: 'hidden@customer.test', replyTo: 'help@contoso.test',
        subject: 'Réunion — ordre du jour', text: 'See the agenda.', html: '<p>See the agenda <img src="cid:logo@contoso"></p>',
        attachments: [{ filename: 'agenda.bin', contentType: 'application/octet-stream', content: file.toString('base64') }, { filename: 'logo.png', contentType: 'image/png', content: PNG.toString('base64'), cid: 'logo@contoso' }],
        headers: { 'X-Campaign': 'autumn' },
        calendarEvent: { title: 'Kick-off', start: '2026-12-01T10:00:00Z', duration: { hours: 1 }, method: 'REQUEST', organizer: { name: 'Ops', email: SENDER } },
      },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    expect(r.body.accepted).to.have.members(['ada@customer.test', 'cc@customer.test', 'hidden@customer.test']);
    const got = google.sends.at(-1)!;
    expect(got).to.include({ user: SENDER, via: 'json' });
    const p = got.parsed;
    expect(p.from!.value[0]).to.deep.include({ name: 'Contoso Ops', address: SENDER });
    expect(addresses(p.to)).to.deep.equal(['ada@customer.test']);
    expect(addresses(p.cc)).to.deep.equal(['cc@customer.test']);
    // Gmail reads every recipient from the headers and strips Bcc itself: it must be in the raw.
    expect(addresses(p.bcc)).to.deep.equal(['hidden@customer.test']);
    expect(got.mime).to.match(/^Bcc: hidden@customer\.test\r?$/m);
    expect(addresses(p.replyTo)).to.deep.equal(['help@contoso.test']);
    expect(p.subject).to.equal('Réunion — ordre du jour');
    expect(p.text!.trim()).to.equal('See the agenda.');
    expect(p.html).to.include('cid:logo@contoso');
    expect(p.messageId).to.equal(r.body.messageId);
    expect(p.headers.get('x-campaign')).to.equal('autumn');
    const byName = Object.fromEntries(p.attachments.map((a) => [a.filename ?? a.contentType, a]));
    expect(Buffer.compare(byName['agenda.bin']!.content, file)).to.equal(0);
    expect(byName['logo.png']!.contentId).to.equal('<logo@contoso>');
    expect(byName['logo.png']!.content.equals(PNG)).to.equal(true);
    expect(p.attachments.some((a) => a.contentType === 'text/calendar' && a.content.toString().includes('SUMMARY:Kick-off'))).to.equal(true);
    const d = await delivery(r.body.deliveryId);
    expect(d.attemptLog[0]).to.include({ outcome: 'sent', providerMessageId: got.id });
  });

  it('one token serves many sends; a revoked token is renewed once inside the attempt', async () => {
    const before = google.tokenRequests;
    const cached = google.sends.length > 0;
    for (let i = 0; i < 3; i++) expect((await envoi.api('POST', `${X}?wait=10`, { input: { to: `t${i}@customer.test`, subject: `t${i}`, text: 'x' } })).body.status).to.equal('sent');
    expect(google.tokenRequests - before, 'one token, or the one of the mail before').to.equal(cached ? 0 : 1);
    expect(new Set(google.sends.slice(-3).map((s) => s.token)).size).to.equal(1);
    google.revokeAll();
    const r = await envoi.api('POST', `${X}?wait=10`, { input: { to: 'after@customer.test', subject: 'after revoke', text: 'x' } });
    expect(r.body.status).to.equal('sent');
    expect(google.tokenRequests - before).to.equal(cached ? 1 : 2);
    expect((await delivery(r.body.deliveryId)).attempts).to.equal(1);
  });

  it('429 with Retry-After is retried after that delay and sent once', async () => {
    google.queue(GoogleStandIn.throttled(1));
    const sendsBefore = google.sends.length;
    const r = await envoi.api('POST', X, { input: { to: 'slow@customer.test', subject: 'throttled', text: 'x' } });
    const d = await until(r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(google.sends.length - sendsBefore).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['retry', 'sent']);
    expect(d.attemptLog[0]).to.include({ code: 'THROTTLED', responseCode: 429 });
    expect(d.attemptLog[0].reply).to.match(/rateLimitExceeded: User-rate limit exceeded\. \(Retry-After: 1\)/);
    const gap = Date.parse(d.attemptLog[1].startedAt) - Date.parse(d.attemptLog[0].startedAt) - d.attemptLog[0].durationMs;
    expect(gap, 'Retry-After: 1 honoured').to.be.at.least(1000);
  });

  it('a 5xx is retried; a 400 fails at once with Gmail\'s words', async () => {
    google.queue(GoogleStandIn.unavailable());
    const r = await envoi.api('POST', X, { input: { to: 'later@customer.test', subject: 'unavailable', text: 'x' } });
    const d = await until(r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(d.attemptLog[0]).to.include({ code: 'SERVER_ERROR', responseCode: 503 });
    google.queue(GoogleStandIn.invalid('Invalid To header'));
    const bad = await envoi.api('POST', `${X}?wait=10`, { input: { to: 'x@customer.test', subject: 'bad', text: 'x' } });
    expect(bad.body.status).to.equal('failed');
    expect(bad.body.error).to.include({ code: 'MESSAGE_REJECTED' });
    expect(bad.body.error.message).to.equal('Gmail refused the message (400 invalidArgument): Invalid To header');
    expect((await delivery(bad.body.deliveryId)).attempts).to.equal(1);
  });

  it('a send as a user the domain stopped delegating fails at auth, a connection fault with the delegation steps', async () => {
    const lost = google.addServiceAccount({ delegated: false });
    const c = await envoi.api('POST', '/api/v1/scopes/undelegated/connections', { name: 'Lost', provider: 'google', senderEmail: SENDER, serviceAccountKey: lost.key, isDefault: true });
    expect(c.status, c.text).to.equal(201);
    const r = await envoi.api('POST', '/api/v1/scopes/undelegated/actions/send-email/execute?wait=10', { input: { to: 'x@customer.test', subject: 'x', text: 'x' } });
    expect(r.body.error, r.text).to.include({ code: 'PERMISSION_MISSING' });
    expect(r.body.error.hint).to.include(`client ID ${lost.clientId}`);
    const conn = (await envoi.api('GET', `/api/v1/scopes/undelegated/connections/${c.body.id}`)).body;
    expect(conn.health.status, 'a connection fault marks it unhealthy').to.equal('unhealthy');
  });

  it('a mail too large for a JSON body goes through the media upload', async () => {
    const big = crypto.randomBytes(4 * 1024 * 1024);
    const r = await envoi.api('POST', `${X}?wait=20`, { input: { to: 'big@customer.test', subject: 'big', text: 'x', attachments: [{ filename: 'big.bin', content: big.toString('base64') }] } });
    expect(r.body, r.text).to.include({ status: 'sent' });
    const got = google.sends.at(-1)!;
    expect(got.via).to.equal('upload');
    expect(got.parsed.attachments[0]!.content.equals(big)).to.equal(true);
  });
});
