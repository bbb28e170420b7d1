import crypto from 'node:crypto';
import { expect } from 'chai';
import { TestEnvoi } from '../../../support/harness.js';
import { PostmarkStandin, type PostmarkServer } from '../../../support/standins/postmark.js';
import { pollFor } from '../../../support/wait.js';

const C = '/api/v1/scopes/platform/connections';
const SEND = '/api/v1/scopes/platform/actions/send-email/execute';

describe('Postmark through its email API (against a local stand-in)', () => {
  let pm: PostmarkStandin;
  let envoi: TestEnvoi;
  let server: PostmarkServer;
  let defaultId: string;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const conn = (extra: Record<string, unknown> = {}) => ({
    name: `pm-${crypto.randomBytes(3).toString('hex')}`, provider: 'postmark', senderEmail: 'news@acme.test', senderName: 'Acme, Inc.', serverToken: server.token, ...extra,
  });
  const until = (id: string) =>
    pollFor(async () => (await api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body, (d) => ['sent', 'failed'].includes(d.status), (d) => `still ${d.status}`, 20_000);
  const sendNow = (input: Record<string, unknown>) => api('POST', `${SEND}?wait=10`, { input: { to: 'ada@customer.test', subject: 's', text: 'x', ...input } });

  before(async () => {
    pm = await new PostmarkStandin().start();
    server = pm.addServer({ name: 'Acme transactional' });
    pm.signatures.add('@acme.test');
    envoi = await new TestEnvoi({ overrides: { postmarkUrl: pm.url, retryBaseMs: 100, pollMs: 50 } }).start();
    const created = await api('POST', C, { ...conn(), name: 'Acme Postmark', isDefault: true });
    expect(created.status, created.text).to.equal(201);
    defaultId = created.body.id;
  });
  after(async () => {
    await envoi.stop();
    await pm.stop();
  });

  it('offers a preset with the note admins need; a good token tests ok and names the server', async () => {
    const presets = (await api('GET', '/api/v1/presets')).body.items as Array<{ id: string; provider: string; note: string; settings: Record<string, unknown> }>;
    const preset = presets.find((p) => p.provider === 'postmark')!;
    expect(preset.settings).to.deep.equal({ messageStream: 'outbound' });
    expect(preset.note).to.match(/Servers → your server → API Tokens/).and.match(/100 emails a month/);
    const t = await api('POST', `${C}/test`, conn());
    expect(t.body, t.text).to.include({ ok: true, stage: 'done' });
    expect(t.body.message).to.include('Acme transactional').and.include('"outbound"');
    const got = pm.http.to('/server').at(-1)!;
    expect(got.headers['x-postmark-server-token']).to.equal(server.token);
    expect(got.headers.accept).to.equal('application/json');
  });

  it('a wrong token is AUTH_FAILED at auth with the API Tokens hint; a token that is no UUID is refused on save', async () => {
    const t = await api('POST', `${C}/test`, conn({ serverToken: crypto.randomUUID() }));
    expect(t.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 401 });
    expect(t.body.message).to.match(/Server Token you provided .* was invalid/);
    expect(t.body.hint).to.equal('In Postmark, Servers → your server → API Tokens: copy the Server API token (not the Account token) and save it here.');
    const bad = await api('POST', C, conn({ serverToken: 'not-a-token', messageStream: 'Out Bound' }));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['/serverToken', '/messageStream']);
  });

  it('sends every part: From with a quoted name, To, Cc, Bcc, Reply-To, text, html, a file, an inline image, the invite, X- headers and the Message-ID', async () => {
    const file = crypto.randomBytes(1500);
    const png = crypto.randomBytes(120);
    const r = await sendNow({
      to: 'Ada <ada@customer.test>', cc: 'cc@customer.test', bcc: 'hidden@customer.test', replyTo: 'help@acme.test', subject: 'Quarterly report',
      text: 'See attached.', html: '<p>Logo <img src="cid:logo@acme"></p>', headers: { 'X-Campaign': 'q4' },
      attachments: [{ filename: 'report.bin', contentType: 'application/octet-stream', content: file.toString('base64') }, { filename: 'logo.png', contentType: 'image/png', content: png.toString('base64'), cid: 'logo@acme' }],
      calendarEvent: { title: 'Review', start: '2026-12-01T10:00', timeZone: 'Europe/Paris', duration: { hours: 1 }, organizer: { email: 'news@acme.test' }, attendees: [{ email: 'ada@customer.test' }] },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    const sent = pm.sends.at(-1)!;
    const b = sent.body;
    expect(b).to.include({ From: '"Acme, Inc." <news@acme.test>', To: 'Ada <ada@customer.test>', Cc: 'cc@customer.test', Bcc: 'hidden@customer.test', ReplyTo: 'help@acme.test', Subject: 'Quarterly report', MessageStream: 'outbound' });
    expect(b.TextBody).to.match(/^See attached\./);
    expect(b.HtmlBody).to.include('<img src="cid:logo@acme">');
    expect(b.Headers).to.deep.include({ Name: 'X-Campaign', Value: 'q4' });
    expect(b.Headers).to.deep.include({ Name: 'Message-ID', Value: r.body.messageId });
    const att = (n: string) => b.Attachments!.find((a) => a.Name === n)!;
    expect(Buffer.from(att('report.bin').Content, 'base64').equals(file)).to.equal(true);
    expect(att('report.bin')).to.include({ ContentType: 'application/octet-stream' }).and.not.have.property('ContentID');
    expect(att('logo.png')).to.include({ ContentType: 'image/png', ContentID: 'cid:logo@acme' });
    expect(b.Attachments!.map((a) => a.Name), 'the invite once, as text/calendar').to.have.members(['report.bin', 'logo.png', 'invite.ics']);
    expect(att('invite.ics').ContentType).to.match(/^text\/calendar; charset=utf-8; method=REQUEST$/);
    expect(Buffer.from(att('invite.ics').Content, 'base64').toString()).to.include('METHOD:REQUEST');
    const d = (await api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body;
    expect(d.attemptLog[0].providerMessageId).to.equal(sent.messageId);
  });

  it('429 with Retry-After: 1 is retried after that delay and sent once; a 503 is retried', async () => {
    pm.queue(PostmarkStandin.throttled(1), PostmarkStandin.unavailable());
    const before = pm.sends.length;
    const r = await api('POST', SEND, { input: { to: 'slow@customer.test', subject: 'throttled', text: 'x' } });
    const d = await until(r.body.deliveryId);
    expect(d.status).to.equal('sent');
    expect(pm.sends.length - before).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['retry', 'retry', 'sent']);
    expect(d.attemptLog[0]).to.include({ responseCode: 429 });
    expect(d.attemptLog[1]).to.include({ responseCode: 503 });
    expect(d.attemptLog[1].reply).to.match(/ErrorCode 100: Postmark is undergoing maintenance/);
    const gap = Date.parse(d.attemptLog[1].startedAt) - Date.parse(d.attemptLog[0].startedAt) - d.attemptLog[0].durationMs;
    expect(gap, 'Retry-After: 1 honoured').to.be.at.least(1000);
  });

  it('an invalid request fails at once with Postmark\'s words (MESSAGE_REJECTED)', async () => {
    const r = await sendNow({ attachments: [{ filename: 'setup.exe', contentType: 'application/octet-stream', content: 'TVo=' }] });
    expect(r.body.status).to.equal('failed');
    expect(r.body.error).to.include({ code: 'MESSAGE_REJECTED' });
    expect(r.body.error.message).to.match(/Postmark refused the message \(422 ErrorCode 411\): Forbidden attachment type: setup\.exe/);
    expect(r.body.error.hint).to.match(/zip the file/);
    expect((await api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body.attempts).to.equal(1);
  });

  it('a sender without a confirmed signature is SENDER_REJECTED, an inactive recipient RECIPIENT_REJECTED, each with its hint', async () => {
    pm.unconfirmed.add('new@other.test');
    const other = await api('POST', C, conn({ name: 'pm-other', senderEmail: 'new@other.test' }));
    const r1 = await api('POST', `${SEND}?wait=10`, { input: { connection: other.body.id, to: 'ada@customer.test', subject: 's', text: 'x' } });
    expect(r1.body.error).to.include({ code: 'SENDER_REJECTED' });
    expect(r1.body.error.message).to.match(/new@other\.test.*has not been confirmed/);
    expect(r1.body.error.hint).to.match(/^In Postmark, Sender Signatures: add new@other\.test/);
    pm.inactive.add('bounced@customer.test');
    const r2 = await sendNow({ to: 'bounced@customer.test' });
    expect(r2.body.error).to.include({ code: 'RECIPIENT_REJECTED' });
    expect(r2.body.error.message).to.match(/Found inactive addresses: bounced@customer\.test/);
    expect(r2.body.error.hint).to.match(/Suppressions/);
  });

  it('an account pending approval refuses other domains: PERMISSION_MISSING, a connection fault with the approval hint', async () => {
    pm.pending = true;
    try {
      const r = await api('POST', SEND, { input: { to: 'someone@elsewhere.test', subject: 's', text: 'x' } });
      // A connection fault: the connection turns unhealthy and the mail waits for the retry schedule.
      const d = await pollFor(async () => (await api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body, (x) => x.attemptLog.length > 0, () => 'no attempt', 10_000);
      expect(d.attemptLog[0]).to.include({ outcome: 'retry', code: 'PERMISSION_MISSING', responseCode: 422 });
      expect(d.attemptLog[0].reply).to.match(/ErrorCode 412: While your account is pending approval/);
      const health = (await api('GET', `${C}/${defaultId}`)).body.health;
      expect(health.status).to.equal('unhealthy');
      expect(health.lastError.hint).to.match(/pending approval/);
    } finally {
      pm.pending = false;
    }
  });

  it('the server token never appears in a response, a log line or the data directory', async () => {
    for (const text of seen) expect(text).not.to.include(server.token);
    for (const line of envoi.logs) expect(line).not.to.include(server.token);
    await envoi.server.envoi.db.knex.raw('PRAGMA wal_checkpoint(FULL)');
    for (const f of envoi.dataFiles()) expect(f.bytes.includes(Buffer.from(server.token)), f.file).to.equal(false);
  });
});
