import crypto from 'node:crypto';
import { expect } from 'chai';
import type { AddressObject } from 'mailparser';
import { TestEnvoi } from '../../../support/harness.js';
import { MailgunStandin } from '../../../support/standins/mailgun.js';
import { pollFor } from '../../../support/wait.js';

const S = '/api/v1/scopes/mg';
const DOMAIN = 'mg.acme.test';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
type Attempt = { outcome: string; code?: string; reply?: string; responseCode?: number; startedAt: string; durationMs: number; providerMessageId?: string };
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

describe('Mailgun through messages.mime (against a local stand-in)', () => {
  let mg: MailgunStandin;
  let envoi: TestEnvoi;
  let key: string;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const conn = (extra: Record<string, unknown> = {}) => ({ name: `mg-${crypto.randomBytes(3).toString('hex')}`, provider: 'mailgun', senderEmail: `news@${DOMAIN}`, senderName: 'Acme News', domain: DOMAIN, apiKey: key, ...extra });
  const test = (extra: Record<string, unknown>) => api('POST', `${S}/connections/test`, conn(extra));
  const send = (input: Record<string, unknown>, wait = '?wait=10') => api('POST', `${S}/actions/send-email/execute${wait}`, { input: { subject: 's', text: 'x', ...input } });
  const delivery = async (id: string) => (await api('GET', `${S}/deliveries/${id}`)).body;
  const until = (id: string) => pollFor(() => delivery(id), (d) => ['sent', 'failed'].includes(d.status), (d) => `still ${d.status}`, 15_000);

  before(async () => {
    mg = await new MailgunStandin().start();
    mg.addDomain(DOMAIN);
    key = mg.addPrivateKey();
    envoi = await new TestEnvoi({ overrides: { mailgunUrl: mg.url, retryBaseMs: 100, pollMs: 50 } }).start();
    const created = await api('POST', `${S}/connections`, { ...conn({ domain: 'MG.Acme.test' }), name: 'Acme Mailgun', isDefault: true });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ provider: 'mailgun', hasSecret: true, domain: DOMAIN, region: 'us' });
  });
  after(async () => {
    await envoi.stop();
    await mg.stop();
  });

  it('an active domain tests ok; a wrong key is AUTH_FAILED; an unverified domain and an unknown one say what to do', async () => {
    const good = await test({});
    expect(good.body, good.text).to.include({ ok: true, stage: 'done' });
    expect(good.body.details).to.deep.equal({ state: 'active', type: 'custom' });
    expect(mg.to(`/v4/domains/${DOMAIN}`).at(-1)!.headers.authorization).to.equal(`Basic ${Buffer.from(`api:${key}`).toString('base64')}`);
    const wrong = await test({ apiKey: 'not-a-mailgun-key' });
    expect(wrong.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 401 });
    expect(wrong.body.message).to.match(/Forbidden/);
    expect(wrong.body.hint).to.match(/^Mailgun → API Security: use a Private API key/);
    mg.addDomain('new.acme.test', 'unverified');
    const unverified = await test({ domain: 'new.acme.test' });
    expect(unverified.body).to.include({ ok: false, stage: 'auth', code: 'SENDER_REJECTED' });
    expect(unverified.body.message).to.match(/"unverified"/);
    expect(unverified.body.hint).to.match(/Sending → Domains → new\.acme\.test: add the DNS records/);
    const unknown = await test({ domain: 'elsewhere.acme.test', region: 'eu' });
    expect(unknown.body).to.include({ ok: false, code: 'SENDER_REJECTED', responseCode: 404 });
    expect(unknown.body.hint).to.match(/region/);
  });

  it('a domain Sending key cannot read the domain: ok with a warning; a Sending key of another domain is AUTH_FAILED', async () => {
    const sendingKey = mg.addSendingKey(DOMAIN);
    const before = mg.sends.length;
    const r = await test({ apiKey: sendingKey });
    expect(r.body, r.text).to.include({ ok: true, stage: 'done' });
    expect(r.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal(['MAILGUN_DOMAIN_UNCHECKED']);
    expect(mg.sends.length, 'the probe sends nothing').to.equal(before);
    mg.addDomain('other.acme.test');
    const other = await test({ apiKey: mg.addSendingKey('other.acme.test') });
    expect(other.body).to.include({ ok: false, code: 'AUTH_FAILED' });
  });

  it('send-email goes as the outbox\'s MIME: every recipient in `to` (Bcc too, in no header), every part in the message; the id is kept without brackets', async () => {
    const file = crypto.randomBytes(1500);
    const r = await send({
      to: 'Ada Lovelace <ada@customer.test>', cc: 'cc@customer.test', bcc: 'hidden@customer.test', replyTo: 'help@acme.test',
      subject: 'Quarterly report', text: 'Plain words', html: '<p>Rich <img src="cid:logo@acme"></p>',
      attachments: [{ filename: 'report.bin', contentType: 'application/octet-stream', content: file.toString('base64') }, { filename: 'logo.png', contentType: 'image/png', content: PNG.toString('base64'), cid: 'logo@acme' }],
      headers: { 'X-Campaign': 'spring-2026' },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    const got = mg.sends.at(-1)!;
    expect(got.domain).to.equal(DOMAIN);
    expect(got.to).to.have.members(['ada@customer.test', 'cc@customer.test', 'hidden@customer.test']);
    expect(got.mime).not.to.match(/^Bcc:/im);
    const p = got.parsed;
    expect(p.from!.value[0]).to.deep.include({ name: 'Acme News', address: `news@${DOMAIN}` });
    expect(addresses(p.to)).to.deep.equal(['ada@customer.test']);
    expect(addresses(p.cc)).to.deep.equal(['cc@customer.test']);
    expect(addresses(p.replyTo)).to.deep.equal(['help@acme.test']);
    expect(p.subject).to.equal('Quarterly report');
    expect(p.text!.trim()).to.equal('Plain words');
    expect(p.html).to.contain('cid:logo@acme');
    expect(p.messageId).to.equal(r.body.messageId);
    expect(p.headers.get('x-campaign')).to.equal('spring-2026');
    const byName = Object.fromEntries(p.attachments.map((a) => [a.filename, a]));
    expect(byName['report.bin']!.content.equals(file)).to.equal(true);
    expect(byName['logo.png']).to.deep.include({ contentId: '<logo@acme>', contentDisposition: 'inline' });
    const d = await delivery(r.body.deliveryId);
    expect(d.attemptLog[0]).to.include({ outcome: 'sent', providerMessageId: got.id, responseCode: 200 });
    expect(got.id).not.to.match(/[<>]/);
  });

  it('429 with Retry-After: 1 waits and sends once; a 503 is retried; a 400 fails at once with Mailgun\'s words', async () => {
    mg.queue({ status: 429, headers: { 'retry-after': '1' }, json: { message: 'Too many requests' } }, { status: 503, text: 'Service Unavailable' });
    const before = mg.sends.length;
    const r = await send({ to: 'slow@customer.test', subject: 'throttled' }, '');
    const d = await until(r.body.deliveryId);
    expect(d.status).to.equal('sent');
    expect(mg.sends.length - before).to.equal(1);
    const log = d.attemptLog as Attempt[];
    expect(log.map((a) => [a.outcome, a.code ?? null])).to.deep.equal([['retry', 'THROTTLED'], ['retry', 'SERVER_ERROR'], ['sent', null]]);
    expect(Date.parse(log[1]!.startedAt) - Date.parse(log[0]!.startedAt) - log[0]!.durationMs, 'Retry-After: 1 honoured').to.be.at.least(1000);
    mg.queue({ status: 400, json: { message: 'to parameter is not a valid address. please check documentation' } });
    const bad = await send({ to: 'x@customer.test', subject: 'refused' });
    expect(bad.body.status).to.equal('failed');
    expect(bad.body.error.code).to.equal('MESSAGE_REJECTED');
    expect(bad.body.error.message).to.contain('to parameter is not a valid address');
    expect((await delivery(bad.body.deliveryId)).attempts).to.equal(1);
  });

  it('a changed domain or region needs the key again; the key never appears in a response or a log line', async () => {
    const c = await api('POST', `${S}/connections`, conn());
    const moved = await api('PATCH', `${S}/connections/${c.body.id}`, { region: 'eu' });
    expect(moved.status).to.equal(400);
    expect(moved.body.error.code).to.equal('SECRET_REQUIRED');
    const renamed = await api('PATCH', `${S}/connections/${c.body.id}`, { senderName: 'Acme' });
    expect(renamed.status, renamed.text).to.equal(200);
    for (const text of seen) expect(text).not.to.include(key);
    for (const line of envoi.logs) expect(line).not.to.include(key);
  });
});
