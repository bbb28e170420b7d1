import crypto from 'node:crypto';
import { expect } from 'chai';
import { TestEnvoi } from '../../../support/harness.js';
import { ResendStandin, type ResendKey } from '../../../support/standins/resend.js';
import { pollFor } from '../../../support/wait.js';

const C = '/api/v1/scopes/platform/connections';
const SEND = '/api/v1/scopes/platform/actions/send-email/execute';

describe('Resend through its email API (against a local stand-in)', () => {
  let rs: ResendStandin;
  let envoi: TestEnvoi;
  let key: ResendKey;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const conn = (extra: Record<string, unknown> = {}) => ({
    name: `rs-${crypto.randomBytes(3).toString('hex')}`, provider: 'resend', senderEmail: 'news@acme.test', senderName: 'Acme', apiKey: key.key, ...extra,
  });
  const delivery = async (id: string) => (await api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body;
  const until = (id: string) => pollFor(() => delivery(id), (d) => ['sent', 'failed'].includes(d.status), (d) => `still ${d.status}`, 20_000);
  const sendNow = (input: Record<string, unknown>) => api('POST', `${SEND}?wait=10`, { input: { to: 'ada@customer.test', subject: 's', text: 'x', ...input } });

  before(async () => {
    rs = await new ResendStandin().start();
    key = rs.addKey();
    for (let i = 0; i < 120; i++) rs.addDomain(`filler${i}.test`);
    rs.addDomain('acme.test');
    rs.addDomain('pending.test', 'pending');
    envoi = await new TestEnvoi({ overrides: { resendUrl: rs.url, retryBaseMs: 100, pollMs: 50 } }).start();
    const created = await api('POST', C, { ...conn(), name: 'Acme Resend', isDefault: true });
    expect(created.status, created.text).to.equal(201);
  });
  after(async () => {
    await envoi.stop();
    await rs.stop();
  });

  it('offers a preset at 2 requests a second; a good key tests ok once the sender\'s domain shows verified (past the first page)', async () => {
    const preset = (await api('GET', '/api/v1/presets')).body.items.find((p: { provider: string }) => p.provider === 'resend');
    expect(preset.suggestedRateLimit).to.include({ messages: 2, perSeconds: 1 });
    expect(preset.note).to.match(/API Keys/).and.match(/100 emails a day/);
    const t = await api('POST', `${C}/test`, conn());
    expect(t.body, t.text).to.include({ ok: true, stage: 'done' });
    expect(t.body.message).to.equal('Resend accepted the API key, and the domain acme.test is verified.');
    expect(t.body.details).to.deep.equal({ domain: 'acme.test', status: 'verified' });
    expect(t.body).not.to.have.property('warnings');
    const reads = rs.http.to('/domains');
    expect(reads.at(-1)!.headers.authorization).to.equal(`Bearer ${key.key}`);
    expect(reads.at(-1)!.query.get('after'), 'the second page was read').to.be.a('string');
  });

  it('a pending domain and a sending-only key are ok with a warning; an unknown domain is not ok', async () => {
    const pending = await api('POST', `${C}/test`, conn({ senderEmail: 'a@pending.test' }));
    expect(pending.body).to.include({ ok: true });
    expect(pending.body.warnings[0]).to.include({ code: 'DOMAIN_NOT_VERIFIED' });
    expect(pending.body.warnings[0].hint).to.match(/Resend dashboard, Domains/);
    const sending = await api('POST', `${C}/test`, conn({ apiKey: rs.addKey('sending_access').key }));
    expect(sending.body).to.include({ ok: true });
    expect(sending.body.warnings[0]).to.include({ code: 'DOMAIN_NOT_CHECKED' });
    expect(sending.body.warnings[0].message).to.match(/restricted_api_key/);
    const unknown = await api('POST', `${C}/test`, conn({ senderEmail: 'a@nowhere.test' }));
    expect(unknown.body).to.include({ ok: false, code: 'SENDER_REJECTED' });
    expect(unknown.body.message).to.match(/has no domain nowhere\.test/);
  });

  it('a wrong key is AUTH_FAILED at auth with the API Keys hint; a key without re_ is refused on save', async () => {
    const t = await api('POST', `${C}/test`, conn({ apiKey: `re_${crypto.randomBytes(12).toString('hex')}` }));
    expect(t.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 400 });
    expect(t.body.message).to.match(/validation_error\): API key is invalid/);
    expect(t.body.hint).to.match(/^In the Resend dashboard, API Keys/);
    const bad = await api('POST', C, conn({ apiKey: 'SG.not-resend' }));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include('/apiKey');
  });

  it('sends every part with an Idempotency-Key from the Message-ID; the attempt records Resend\'s id', async () => {
    const file = crypto.randomBytes(1500);
    const png = crypto.randomBytes(120);
    const r = await sendNow({
      to: 'Ada <ada@customer.test>', cc: 'cc@customer.test', bcc: 'hidden@customer.test', replyTo: 'help@acme.test', subject: 'Quarterly report',
      text: 'See attached.', html: '<p>Logo <img src="cid:logo@acme"></p>', headers: { 'X-Campaign': 'q4' },
      attachments: [{ filename: 'report.bin', contentType: 'application/octet-stream', content: file.toString('base64') }, { filename: 'logo.png', contentType: 'image/png', content: png.toString('base64'), cid: 'logo@acme' }],
      calendarEvent: { title: 'Review', start: '2026-12-01T10:00', timeZone: 'Europe/Paris', duration: { hours: 1 }, organizer: { email: 'news@acme.test' }, attendees: [{ email: 'ada@customer.test' }] },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    const sent = rs.sends.at(-1)!;
    const b = sent.body;
    expect(b).to.deep.include({ from: 'Acme <news@acme.test>', to: ['Ada <ada@customer.test>'], cc: ['cc@customer.test'], bcc: ['hidden@customer.test'], reply_to: ['help@acme.test'], subject: 'Quarterly report' });
    expect(b.text).to.match(/^See attached\./);
    expect(b.html).to.include('<img src="cid:logo@acme">');
    expect(b.headers).to.include({ 'X-Campaign': 'q4', 'Message-ID': r.body.messageId });
    expect(sent.idempotencyKey).to.equal(r.body.messageId.replace(/^<|>$/g, ''));
    const att = (n: string) => b.attachments!.find((a) => a.filename === n)!;
    expect(b.attachments!.map((a) => a.filename)).to.have.members(['report.bin', 'logo.png', 'invite.ics']);
    expect(Buffer.from(att('report.bin').content!, 'base64').equals(file)).to.equal(true);
    expect(att('report.bin')).to.include({ content_type: 'application/octet-stream' }).and.not.have.property('content_id');
    expect(att('logo.png')).to.include({ content_type: 'image/png', content_id: 'logo@acme' });
    expect(att('invite.ics').content_type).to.equal('text/calendar; charset=utf-8; method=REQUEST');
    expect((await delivery(r.body.deliveryId)).attemptLog[0].providerMessageId).to.equal(sent.id);
  });

  it('a send whose answer was lost is retried with the same Idempotency-Key: Resend sends it once', async () => {
    rs.loseAnswers = 1;
    const before = rs.sends.length;
    const r = await api('POST', SEND, { input: { to: 'once@customer.test', subject: 'lost answer', text: 'x' } });
    const d = await until(r.body.deliveryId);
    expect(d.status).to.equal('sent');
    expect(d.attemptLog[0]).to.include({ outcome: 'unknown', code: 'OUTCOME_UNKNOWN' });
    expect(rs.sends.length - before).to.equal(1);
    const keys = rs.http.to('/emails').slice(-2).map((q) => q.headers['idempotency-key']);
    expect(keys[0]).to.be.a('string').and.equal(keys[1]);
  });

  it('429 with Retry-After: 1 is retried after that delay and sent once; a 500 is retried', async () => {
    rs.queue(ResendStandin.throttled(1), ResendStandin.failing());
    const before = rs.sends.length;
    const r = await api('POST', SEND, { input: { to: 'slow@customer.test', subject: 'throttled', text: 'x' } });
    const d = await until(r.body.deliveryId);
    expect(d.status).to.equal('sent');
    expect(rs.sends.length - before).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string; code: string | null }) => [a.outcome, a.code])).to.deep.equal([['retry', 'THROTTLED'], ['retry', 'SERVER_ERROR'], ['sent', null]]);
    expect(d.attemptLog[0].reply).to.match(/rate_limit_exceeded: Too many requests.*Retry-After: 1/);
    const gap = Date.parse(d.attemptLog[1].startedAt) - Date.parse(d.attemptLog[0].startedAt) - d.attemptLog[0].durationMs;
    expect(gap, 'Retry-After: 1 honoured').to.be.at.least(1000);
  });

  it('a 422 fails at once with Resend\'s words; an unverified From domain is SENDER_REJECTED with the Domains hint', async () => {
    rs.queue({ status: 422, json: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.' } });
    const r = await sendNow({});
    expect(r.body.status).to.equal('failed');
    expect(r.body.error).to.include({ code: 'MESSAGE_REJECTED' });
    expect(r.body.error.message).to.match(/^Resend refused the message \(422 validation_error\): Invalid `to` field/);
    expect((await delivery(r.body.deliveryId)).attempts).to.equal(1);
    const other = await api('POST', C, conn({ name: 'rs-pending', senderEmail: 'a@pending.test' }));
    const r2 = await api('POST', `${SEND}?wait=10`, { input: { connection: other.body.id, to: 'ada@customer.test', subject: 's', text: 'x' } });
    expect(r2.body.error).to.include({ code: 'SENDER_REJECTED' });
    expect(r2.body.error.message).to.match(/The pending\.test domain is not verified/);
    expect(r2.body.error.hint).to.match(/^In the Resend dashboard, Domains: add pending\.test/);
  });

  it('the API key never appears in a response, a log line or the data directory', async () => {
    for (const text of seen) expect(text).not.to.include(key.key);
    for (const line of envoi.logs) expect(line).not.to.include(key.key);
    await envoi.server.envoi.db.knex.raw('PRAGMA wal_checkpoint(FULL)');
    for (const f of envoi.dataFiles()) expect(f.bytes.includes(Buffer.from(key.key)), f.file).to.equal(false);
  });
});
