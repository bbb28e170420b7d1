import crypto from 'node:crypto';
import { expect } from 'chai';
import { TestEnvoi } from '../../../support/harness.js';
import { SendGridStandin } from '../../../support/standins/sendgrid.js';
import { pollFor } from '../../../support/wait.js';

const S = '/api/v1/scopes/sg';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
type Attempt = { outcome: string; code?: string; reply?: string; responseCode?: number; startedAt: string; durationMs: number; providerMessageId?: string };

describe('SendGrid through its Web API v3 (against a local stand-in)', () => {
  let sg: SendGridStandin;
  let envoi: TestEnvoi;
  let key: string;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const conn = (extra: Record<string, unknown> = {}) => ({ name: `sg-${crypto.randomBytes(3).toString('hex')}`, provider: 'sendgrid', senderEmail: 'news@acme.test', senderName: 'Acme News', apiKey: key, ...extra });
  const send = (input: Record<string, unknown>, wait = '?wait=10') => api('POST', `${S}/actions/send-email/execute${wait}`, { input: { subject: 's', text: 'x', ...input } });
  const delivery = async (id: string) => (await api('GET', `${S}/deliveries/${id}`)).body;
  const until = (id: string) => pollFor(() => delivery(id), (d) => ['sent', 'failed'].includes(d.status), (d) => `still ${d.status}`, 15_000);

  before(async () => {
    sg = await new SendGridStandin().start();
    key = sg.addKey();
    envoi = await new TestEnvoi({ overrides: { sendgridUrl: sg.url, retryBaseMs: 100, pollMs: 50 } }).start();
    const created = await api('POST', `${S}/connections`, { ...conn(), name: 'Acme SendGrid', isDefault: true });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ provider: 'sendgrid', hasSecret: true });
    expect(created.body).not.to.have.property('apiKey');
  });
  after(async () => {
    await envoi.stop();
    await sg.stop();
  });

  it('a good key tests ok (its scopes hold mail.send); a wrong key is AUTH_FAILED; a key without Mail Send is PERMISSION_MISSING', async () => {
    const good = await api('POST', `${S}/connections/test`, conn());
    expect(good.body, good.text).to.include({ ok: true, stage: 'done' });
    expect(good.body.message).to.match(/mail\.send/);
    expect(sg.to('/v3/scopes').at(-1)!.headers.authorization).to.equal(`Bearer ${key}`);
    const wrong = await api('POST', `${S}/connections/test`, conn({ apiKey: 'SG.not-a-key.at-all' }));
    expect(wrong.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 401 });
    expect(wrong.body.message).to.match(/invalid, expired, or revoked/);
    expect(wrong.body.hint).to.match(/SendGrid dashboard, Settings → API Keys/);
    const readOnly = sg.addKey(['alerts.read', 'stats.read']);
    const perm = await api('POST', `${S}/connections/test`, conn({ apiKey: readOnly }));
    expect(perm.body).to.include({ ok: false, stage: 'auth', code: 'PERMISSION_MISSING' });
    expect(perm.body.hint).to.equal('In the SendGrid dashboard, Settings → API Keys: give the key Mail Send (Restricted Access → Mail Send: Full Access), or create a key that has it.');
    const malformed = await api('POST', `${S}/connections`, conn({ apiKey: 'my-password' }));
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['/apiKey']);
  });

  it('send-email arrives with every part: names, Cc, Bcc, Reply-To, text before html, a file, an inline image, the invite, X- headers and the Message-ID; the attempt keeps X-Message-Id', async () => {
    const file = crypto.randomBytes(1500);
    const r = await send({
      to: 'Ada Lovelace <ada@customer.test>', cc: ['cc@customer.test', 'ada@customer.test'], bcc: 'hidden@customer.test', replyTo: 'Help <help@acme.test>',
      subject: 'Réunion — agenda', text: 'Plain words', html: '<p>Rich <img src="cid:logo@acme"></p>',
      attachments: [{ filename: 'report.bin', contentType: 'application/octet-stream', content: file.toString('base64') }, { filename: 'logo.png', contentType: 'image/png', content: PNG.toString('base64'), cid: 'logo@acme' }],
      headers: { 'X-Campaign': 'spring-2026' },
      calendarEvent: { title: 'Kick-off', start: '2026-12-01T10:00:00Z', duration: { hours: 1 } },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    expect(r.body.accepted).to.have.members(['ada@customer.test', 'cc@customer.test', 'hidden@customer.test']);
    const got = sg.mails.at(-1)!;
    expect(got.body.personalizations).to.deep.equal([{ to: [{ email: 'ada@customer.test', name: 'Ada Lovelace' }], cc: [{ email: 'cc@customer.test' }], bcc: [{ email: 'hidden@customer.test' }] }]);
    expect(got.body.from).to.deep.equal({ email: 'news@acme.test', name: 'Acme News' });
    expect(got.body.reply_to).to.deep.equal({ email: 'help@acme.test', name: 'Help' });
    expect(got.body.subject).to.equal('Réunion — agenda');
    expect(got.body.content!.map((c) => c.type)).to.deep.equal(['text/plain', 'text/html']);
    expect(got.body.content![0]!.value).to.match(/^Plain words/);
    expect(got.body.content![1]!.value).to.contain('cid:logo@acme');
    const byName = Object.fromEntries(got.body.attachments!.map((a) => [a.filename as string, a]));
    expect(Buffer.from(byName['report.bin']!.content as string, 'base64').equals(file)).to.equal(true);
    expect(byName['report.bin']).to.include({ disposition: 'attachment', type: 'application/octet-stream' });
    expect(byName['logo.png']).to.include({ disposition: 'inline', content_id: 'logo@acme', type: 'image/png' });
    expect(byName['invite.ics']).to.include({ type: 'text/calendar' });
    expect(Buffer.from(byName['invite.ics']!.content as string, 'base64').toString()).to.match(/METHOD:REQUEST[\s\S]*SUMMARY:Kick-off/);
    expect(got.body.headers).to.include({ 'X-Campaign': 'spring-2026', 'Message-ID': r.body.messageId });
    const d = await delivery(r.body.deliveryId);
    expect(d.attemptLog[0]).to.include({ outcome: 'sent', providerMessageId: got.messageId, responseCode: 202 });
  });

  it('429 with Retry-After: 1, then 429 with only X-RateLimit-Reset: each wait honoured, the mail sent once', async () => {
    sg.queue(SendGridStandin.throttled(1), SendGridStandin.throttled(2, false));
    const before = sg.mails.length;
    const r = await send({ to: 'slow@customer.test', subject: 'throttled' }, '');
    const d = await until(r.body.deliveryId);
    expect(d.status).to.equal('sent');
    expect(sg.mails.length - before).to.equal(1);
    const log = d.attemptLog as Attempt[];
    expect(log.map((a) => a.outcome)).to.deep.equal(['retry', 'retry', 'sent']);
    expect(log[0]).to.include({ code: 'THROTTLED', responseCode: 429 });
    expect(log[0]!.reply).to.match(/too many requests.*Retry-After: 1/);
    const gap = (i: number) => Date.parse(log[i]!.startedAt) - Date.parse(log[i - 1]!.startedAt) - log[i - 1]!.durationMs;
    expect(gap(1), 'Retry-After: 1 honoured').to.be.at.least(1000);
    expect(gap(2), 'X-RateLimit-Reset read as the delay').to.be.at.least(900);
  });

  it('a 500 is retried and then sent; a 400 fails at once with SendGrid\'s words', async () => {
    sg.queue({ status: 500, json: { errors: [{ field: null, message: 'internal error' }] } });
    const r = await send({ to: 'flaky@customer.test', subject: 'five hundred' }, '');
    const d = await until(r.body.deliveryId);
    expect(d.status).to.equal('sent');
    expect((d.attemptLog as Attempt[]).map((a) => [a.outcome, a.code ?? null])).to.deep.equal([['retry', 'SERVER_ERROR'], ['sent', null]]);
    sg.queue({ status: 400, json: { errors: [{ message: 'The attachment content must be base64 encoded.', field: 'attachments.0.content', help: null }] } });
    const bad = await send({ to: 'x@customer.test', subject: 'refused' });
    expect(bad.body.status).to.equal('failed');
    expect(bad.body.error.code).to.equal('MESSAGE_REJECTED');
    expect(bad.body.error.message).to.contain('The attachment content must be base64 encoded. (attachments.0.content)');
    expect((await delivery(bad.body.deliveryId)).attempts).to.equal(1);
  });

  it('an unverified sender is SENDER_REJECTED with the Sender Authentication hint', async () => {
    sg.verified.push('verified@acme.test');
    try {
      const r = await send({ to: 'x@customer.test', subject: 'unverified' });
      expect(r.body.status).to.equal('failed');
      expect(r.body.error.code).to.equal('SENDER_REJECTED');
      expect(r.body.error.message).to.match(/verified Sender Identity/);
      expect(r.body.error.hint).to.match(/Settings → Sender Authentication/);
    } finally {
      sg.verified.length = 0;
    }
  });

  it('the key, bound to nothing but SendGrid, is kept when the sender changes; it never appears in a response or a log line', async () => {
    const c = await api('POST', `${S}/connections`, conn());
    const moved = await api('PATCH', `${S}/connections/${c.body.id}`, { senderEmail: 'other@acme.test' });
    expect(moved.status, moved.text).to.equal(200);
    expect(moved.body.hasSecret).to.equal(true);
    expect((await api('POST', `${S}/connections/${c.body.id}/test`)).body).to.include({ ok: true });
    for (const text of seen) expect(text).not.to.include(key);
    for (const line of envoi.logs) expect(line).not.to.include(key);
  });
});
