import crypto from 'node:crypto';
import { expect } from 'chai';
import { TestEnvoi } from '../support/harness.js';
import { GraphStandIn, type App } from '../support/graph-standin.js';
import { pollFor } from '../support/wait.js';

const C = '/api/v1/scopes/platform/connections';

describe('Microsoft 365 through Microsoft Graph (against a local stand-in)', () => {
  let graph: GraphStandIn;
  let envoi: TestEnvoi;
  let app: App;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const m365 = (a: App, extra: Record<string, unknown> = {}) => ({
    name: `m365-${crypto.randomBytes(3).toString('hex')}`,
    provider: 'microsoft365',
    senderEmail: 'notifications@contoso.test',
    senderName: 'Contoso',
    tenantId: a.tenantId,
    clientId: a.clientId,
    clientSecret: a.secret,
    ...extra,
  });
  // Reads through `api`, so every response lands in `seen`.
  const until = (id: string, statuses: string[], ms = 15_000) =>
    pollFor(async () => (await api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body, (d) => statuses.includes(d.status), (d) => `still ${d.status}: ${JSON.stringify(d)}`, ms);

  before(async () => {
    graph = await new GraphStandIn().start();
    app = graph.addApp();
    envoi = await new TestEnvoi({ overrides: { msAuthorityUrl: graph.url, msGraphUrl: graph.url, retryBaseMs: 100, pollMs: 50 } }).start();
  });
  after(async () => {
    await envoi.stop();
    await graph.close();
  });

  it('a good configuration tests ok and sends: the MIME arrives with recipients, subject and attachment, as the sender', async () => {
    const created = await api('POST', C, { ...m365(app), isDefault: true, name: 'Contoso 365' });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ provider: 'microsoft365', hasSecret: true });
    expect(created.body.rateLimit, 'Exchange Online default').to.deep.equal({ messages: 30, perSeconds: 60 });
    const test = await api('POST', `${C}/${created.body.id}/test`);
    expect(test.body, test.text).to.include({ ok: true, stage: 'done' });
    expect(test.body.message).to.match(/Mail\.Send/);

    const file = crypto.randomBytes(2048);
    const r = await api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', {
      input: { to: 'Ada <ada@customer.test>', cc: 'cc@customer.test', bcc: 'hidden@customer.test', subject: 'Quarterly report', text: 'Attached.', attachments: [{ filename: 'report.bin', contentType: 'application/octet-stream', content: file.toString('base64') }] },
    });
    expect(r.body, r.text).to.include({ status: 'sent' });
    expect(r.body.accepted).to.have.members(['ada@customer.test', 'cc@customer.test', 'hidden@customer.test']);
    const got = graph.sends.at(-1)!;
    expect(got.mailbox).to.equal('notifications@contoso.test');
    expect(got.parsed.subject).to.equal('Quarterly report');
    expect(got.parsed.from!.value[0]).to.deep.include({ name: 'Contoso', address: 'notifications@contoso.test' });
    expect((got.parsed.to as { value: Array<{ address: string }> }).value[0]!.address).to.equal('ada@customer.test');
    // Graph reads every recipient from the MIME message, Bcc included.
    expect((got.parsed.bcc as { value: Array<{ address: string }> }).value[0]!.address).to.equal('hidden@customer.test');
    expect(Buffer.compare(got.parsed.attachments[0]!.content, file)).to.equal(0);
    expect(got.parsed.messageId).to.equal(r.body.messageId);
  });

  it('a wrong secret and an unknown tenant give OAUTH_FAILED with the AADSTS reason; no Mail.Send is PERMISSION_MISSING', async () => {
    const wrong = await api('POST', `${C}/test`, m365(app, { clientSecret: 'not-the-secret' }));
    expect(wrong.body).to.include({ ok: false, stage: 'auth', code: 'OAUTH_FAILED' });
    expect(wrong.body.message).to.match(/AADSTS7000215.*Invalid client secret/);
    expect(wrong.body.hint).to.match(/secret's Value/);
    const tenant = await api('POST', `${C}/test`, m365(app, { tenantId: 'nowhere.onmicrosoft.com' }));
    expect(tenant.body).to.include({ ok: false, code: 'OAUTH_FAILED' });
    expect(tenant.body.message).to.match(/AADSTS90002.*Tenant 'nowhere\.onmicrosoft\.com' not found/);
    expect(tenant.body.message, 'trace ids are noise').not.to.match(/Trace ID/);
    const noPermission = graph.addApp({ roles: [] });
    const perm = await api('POST', `${C}/test`, m365(noPermission));
    expect(perm.body).to.include({ ok: false, stage: 'auth', code: 'PERMISSION_MISSING' });
    expect(perm.body.hint).to.match(/Mail\.Send/);
  });

  it('five sends use one token; a revoked token is refreshed once', async () => {
    const a = graph.addApp();
    await api('POST', '/api/v1/scopes/tokens/connections', { ...m365(a), isDefault: true, rateLimit: { messages: 100, perSeconds: 1 } });
    const before = graph.tokenRequests;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await envoi.api('POST', '/api/v1/scopes/tokens/actions/send-email/execute?wait=10', { input: { to: `t${i}@customer.test`, subject: `t${i}`, text: 'x' } });
      expect(r.body.status).to.equal('sent');
      ids.push(r.body.deliveryId);
    }
    expect(graph.tokenRequests - before).to.equal(1);
    // The debug log tells of the one fetch, within the send of the delivery that needed it.
    const fetched = envoi.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'access token fetched' && l.clientId === a.clientId);
    expect(fetched).to.have.length(1);
    expect(fetched[0]).to.include({ level: 'debug', from: 'microsoft', deliveryId: ids[0] });
    const tokensUsed = new Set(graph.sends.slice(-5).map((s) => s.token));
    expect(tokensUsed.size).to.equal(1);
    graph.revokeAll();
    const sendsBefore = graph.sends.length;
    const r = await envoi.api('POST', '/api/v1/scopes/tokens/actions/send-email/execute?wait=10', { input: { to: 'after@customer.test', subject: 'after revoke', text: 'x' } });
    expect(r.body.status).to.equal('sent');
    expect(graph.tokenRequests - before).to.equal(2);
    expect(graph.sends.length - sendsBefore).to.equal(1);
    const d = (await api('GET', `/api/v1/scopes/tokens/deliveries/${r.body.deliveryId}`)).body;
    expect(d.attempts, 'the refresh happens inside one attempt').to.equal(1);
  });

  it('429 with Retry-After: 1 twice, then success: one mail, every attempt recorded, the wait honoured', async () => {
    graph.queue(GraphStandIn.throttled(1), GraphStandIn.throttled(1));
    const sendsBefore = graph.sends.length;
    const r = await api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'slow@customer.test', subject: 'throttled', text: 'x' } });
    const d = await until(r.body.deliveryId, ['sent', 'failed']);
    expect(d.status).to.equal('sent');
    expect(graph.sends.length - sendsBefore).to.equal(1);
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['retry', 'retry', 'sent']);
    expect(d.attemptLog[0]).to.include({ responseCode: 429 });
    expect(d.attemptLog[0].reply).to.match(/ApplicationThrottled.*Retry-After: 1/);
    for (let i = 1; i < 3; i++) {
      const gap = Date.parse(d.attemptLog[i].startedAt) - Date.parse(d.attemptLog[i - 1].startedAt) - d.attemptLog[i - 1].durationMs;
      expect(gap, 'Retry-After: 1 honoured').to.be.at.least(1000);
    }
  });

  it('403 fails at once with its hint', async () => {
    graph.queue(GraphStandIn.denied());
    const r = await api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'x@customer.test', subject: 'denied', text: 'x' } });
    expect(r.body.status).to.equal('failed');
    expect(r.body.error.code).to.equal('SENDER_REJECTED');
    expect(r.body.error.reply).to.match(/ErrorAccessDenied/);
    expect(r.body.error.hint).to.equal('Grant Mail.Send as an application permission, or widen the application access policy to this mailbox.');
    const d = (await api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body;
    expect(d.attempts).to.equal(1);
  });

  it('a message beyond Graph\'s 4 MB request limit fails with an error naming the limit', async () => {
    const big = crypto.randomBytes(3 * 1024 * 1024).toString('base64');
    const r = await api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'x@customer.test', subject: 'big', text: 'x', attachments: [{ filename: 'big.bin', content: big }] } });
    expect(r.body.status).to.equal('failed');
    expect(r.body.error.code).to.equal('MESSAGE_TOO_LARGE');
    expect(r.body.error.message).to.match(/4 MB/);
  });

  it('validates ids and the sender; the endpoints come only from the environment', async () => {
    const bad = await api('POST', C, m365(app, { tenantId: 'not a tenant', clientId: 'abc', senderEmail: 'nope' }));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['/tenantId', '/clientId', '/senderEmail']);
    const url = await api('POST', C, m365(app, { authorityUrl: 'http://169.254.169.254/' }));
    expect(url.status).to.equal(400);
    expect(url.body.error.details[0]).to.deep.equal({ path: '/authorityUrl', message: 'is not a known field' });
    const domainTenant = await api('POST', `${C}/test`, m365(app, { tenantId: app.tenantDomain }));
    expect(domainTenant.body).to.include({ ok: true });
  });

  it('the client secret never appears in a response, a log line or the data directory', async () => {
    for (const text of seen) expect(text).not.to.include(app.secret);
    for (const line of envoi.logs) expect(line).not.to.include(app.secret);
    await envoi.server.envoi.db.knex.raw('PRAGMA wal_checkpoint(FULL)');
    for (const f of envoi.dataFiles()) expect(f.bytes.includes(Buffer.from(app.secret)), f.file).to.equal(false);
  });
});
