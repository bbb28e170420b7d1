import crypto from 'node:crypto';
import { expect } from 'chai';
import { testPki } from '../../../support/certs.js';
import { GraphStandIn, type App } from '../../../support/graph-standin.js';
import { TestEnvoi, tableLookup } from '../../../support/harness.js';
import { SmtpSink } from '../../../support/smtp-sink.js';

/**
 * Exchange Online SMTP with OAuth against a real smtp-server over STARTTLS (a certificate made at
 * test time) that accepts AUTH XOAUTH2 only with a live token the identity stand-in issued for
 * outlook.office365.com, carrying SMTP.SendAsApp, for a mailbox the app was given.
 */
const MAILBOX = 'mailer@contoso.test';

describe('SMTP with XOAUTH2 (Exchange Online SMTP with OAuth, against local stand-ins)', () => {
  let graph: GraphStandIn;
  let sink: SmtpSink;
  let envoi: TestEnvoi;
  let app: App;
  const tokensSeen: string[] = [];
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const C = (scope = 'platform') => `/api/v1/scopes/${scope}/connections`;
  const send = (scope: string, subject: string) => api('POST', `/api/v1/scopes/${scope}/actions/send-email/execute?wait=10`, { input: { to: 'ada@customer.test', subject, text: 'x' } });
  const oauth = (a: App, extra: Record<string, unknown> = {}) => ({
    name: `xo-${crypto.randomBytes(3).toString('hex')}`,
    host: 'localhost',
    port: sink.port,
    authMethod: 'XOAUTH2',
    user: MAILBOX,
    senderEmail: MAILBOX,
    tenantId: a.tenantId,
    clientId: a.clientId,
    clientSecret: a.secret,
    caCertificate: testPki().caCert,
    ...extra,
  });
  // A pooled connection stays authenticated; dropping it makes the next send authenticate again.
  const dropConnections = async () => {
    sink.dropAll();
    await new Promise((r) => setTimeout(r, 150));
  };

  before(async () => {
    graph = await new GraphStandIn().start();
    app = graph.addApp({ exchangeMailboxes: [MAILBOX] });
    sink = await new SmtpSink({
      tls: 'starttls',
      users: { [MAILBOX]: 'basic-password' },
      xoauth2: (user, token) => {
        tokensSeen.push(token);
        return graph.exchangeAccepts(token, user);
      },
    }).start();
    envoi = await new TestEnvoi({ overrides: { msAuthorityUrl: graph.url, retryBaseMs: 100, pollMs: 50 }, lookup: tableLookup({ 'smtp.office365.com': ['127.0.0.1'] }) }).start();
  });
  after(async () => {
    await envoi?.stop();
    await sink?.close();
    await graph?.close();
  });

  it('a good configuration tests ok only after the server accepted AUTH XOAUTH2 over TLS', async () => {
    const created = await api('POST', C(), oauth(app));
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ authMethod: 'XOAUTH2', tenantId: app.tenantId, clientId: app.clientId, hasSecret: true });
    expect(created.body.warnings.map((w: { code: string }) => w.code)).not.to.include('SMTP_BASIC_AUTH_RETIRING');
    const test = await api('POST', `${C()}/${created.body.id}/test`);
    expect(test.body, test.text).to.include({ ok: true, stage: 'done' });
    expect(test.body.message).to.match(/authenticated as mailer@contoso\.test with XOAUTH2/);
    expect(sink.authAttempts.at(-1)).to.deep.equal({ method: 'XOAUTH2', username: MAILBOX, secure: true, ok: true });
  });

  it('a wrong client secret is OAUTH_FAILED with the AADSTS hint, and no AUTH is tried without a token', async () => {
    const attempts = sink.authAttempts.length;
    const wrong = `wrong~${crypto.randomBytes(12).toString('hex')}`;
    const r = await api('POST', `${C()}/test`, oauth(app, { clientSecret: wrong }));
    expect(r.body).to.include({ ok: false, stage: 'auth', code: 'OAUTH_FAILED' });
    expect(r.body.message).to.match(/AADSTS7000215/);
    expect(r.body.hint).to.match(/secret's Value/);
    expect(r.text).not.to.include(wrong);
    expect(sink.authAttempts.length, 'no AUTH without a token').to.equal(attempts);
  });

  it('a valid token the server refuses (535) is AUTH_FAILED with the Exchange steps, in a test and in a send', async () => {
    const outsider = graph.addApp({ exchangeMailboxes: [] });
    const r = await api('POST', `${C()}/test`, oauth(outsider));
    expect(r.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 535 });
    for (const step of ['SMTP.SendAsApp', 'admin consent', 'New-ServicePrincipal', 'Add-MailboxPermission']) expect(r.body.hint).to.include(step);
    const conn = await api('POST', C('refused'), { ...oauth(outsider), isDefault: true });
    const before = graph.tokenRequests;
    const sent = await send('refused', 'refused');
    expect(sent.body.status, sent.text).not.to.equal('sent');
    expect(sent.body.error).to.include({ code: 'AUTH_FAILED', responseCode: 535 });
    expect(sent.body.error.hint).to.include('New-ServicePrincipal');
    expect(graph.tokenRequests - before, 'the token the test cached is renewed once before the refusal stands').to.equal(1);
    const health = (await api('GET', `${C('refused')}/${conn.body.id}`)).body.health;
    expect(health).to.include({ status: 'unhealthy' });
    expect(health.lastError.code).to.equal('AUTH_FAILED');
  });

  it('sends arrive as the mailbox; one token serves several sends, and it is renewed when it expires or is refused', async () => {
    const fresh = graph.addApp({ exchangeMailboxes: [MAILBOX] });
    await api('POST', C('reuse'), { ...oauth(fresh), isDefault: true });
    const before = graph.tokenRequests;
    const received = sink.received.length;
    for (let i = 0; i < 3; i++) {
      await dropConnections();
      const r = await send('reuse', `reuse ${i}`);
      expect(r.body.status, r.text).to.equal('sent');
    }
    expect(sink.received.slice(received).map((m) => [m.user, m.secure, m.parsed.subject])).to.deep.equal([0, 1, 2].map((i) => [MAILBOX, true, `reuse ${i}`]));
    expect(graph.tokenRequests - before, 'three authentications, one token').to.equal(1);
    expect(new Set(tokensSeen.slice(-3)).size).to.equal(1);

    graph.revokeAll();
    await dropConnections();
    const afterRevoke = await send('reuse', 'after revoke');
    expect(afterRevoke.body.status, afterRevoke.text).to.equal('sent');
    expect(graph.tokenRequests - before, 'a 535 renews the token once').to.equal(2);

    // Short-lived tokens: the cache asks again after half their lifetime.
    const shortLived = graph.addApp({ exchangeMailboxes: [MAILBOX] });
    await api('POST', C('expiry'), { ...oauth(shortLived), isDefault: true });
    graph.tokenLifetime = 2;
    try {
      const start = graph.tokenRequests;
      expect((await send('expiry', 'first')).body.status).to.equal('sent');
      await new Promise((r) => setTimeout(r, 1200));
      await dropConnections();
      expect((await send('expiry', 'second')).body.status).to.equal('sent');
      expect(graph.tokenRequests - start).to.equal(2);
      expect(tokensSeen.at(-1)).not.to.equal(tokensSeen.at(-2));
    } finally {
      graph.tokenLifetime = 3599;
    }
  });

  it('switching a password connection to XOAUTH2 asks for the client secret, then drops the password', async () => {
    const created = await api('POST', C(), { name: 'basic', host: 'localhost', port: sink.port, authMethod: 'PLAIN', user: MAILBOX, password: 'basic-password', senderEmail: MAILBOX, caCertificate: testPki().caCert });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as string;
    const ids = { authMethod: 'XOAUTH2', tenantId: app.tenantId, clientId: app.clientId };
    const missing = await api('PATCH', `${C()}/${id}`, ids);
    expect(missing.status).to.equal(400);
    expect(missing.body.error.code).to.equal('SECRET_REQUIRED');
    expect(missing.body.error.details).to.deep.equal([{ path: '/clientSecret', message: 'is required' }]);
    const switched = await api('PATCH', `${C()}/${id}`, { ...ids, clientSecret: app.secret });
    expect(switched.status, switched.text).to.equal(200);
    expect((await api('POST', `${C()}/${id}/test`)).body).to.include({ ok: true, stage: 'done' });
    // Back to PLAIN with the very settings the password was entered for: it is gone, so it is asked for.
    const back = await api('PATCH', `${C()}/${id}`, { authMethod: 'PLAIN', tenantId: null, clientId: null });
    expect(back.body.error.code).to.equal('SECRET_REQUIRED');
    expect(back.body.error.details[0].path).to.equal('/password');
    // A changed tenant or client asks for the client secret again.
    const other = graph.addApp();
    const moved = await api('PATCH', `${C()}/${id}`, { clientId: other.clientId });
    expect(moved.body.error.code).to.equal('SECRET_REQUIRED');
    expect(moved.body.error.message).to.match(/client id/);
  });

  it('smtp.office365.com with a password carries SMTP_BASIC_AUTH_RETIRING, with the way to XOAUTH2', async () => {
    const base = { host: 'smtp.office365.com', port: 587, user: MAILBOX, senderEmail: MAILBOX };
    const basic = await api('POST', C(), { ...base, name: 'o365 basic', authMethod: 'LOGIN', password: 'basic-password' });
    expect(basic.status, basic.text).to.equal(201);
    const w = basic.body.warnings.find((x: { code: string }) => x.code === 'SMTP_BASIC_AUTH_RETIRING');
    expect(w.message).to.match(/December 2026.*MC786329/);
    expect(w.hint).to.match(/XOAUTH2.*tenant id, client id and client secret.*Microsoft 365/);
    // The admin page offers this as a button that writes `set` into the form (host, port and user kept).
    expect(w.fix).to.deep.equal({ label: 'Switch to OAuth (XOAUTH2)', set: { authMethod: 'XOAUTH2' } });
    const view = await api('GET', `${C()}/${basic.body.id}`);
    expect(view.body.warnings.map((x: { code: string }) => x.code)).to.include('SMTP_BASIC_AUTH_RETIRING');
    const modern = await api('POST', C(), { ...oauth(app), ...base, name: 'o365 oauth' });
    expect(modern.body.warnings.map((x: { code: string }) => x.code)).not.to.include('SMTP_BASIC_AUTH_RETIRING');
  });

  it('no client secret or token appears in any response or log line', () => {
    const secrets = graph.apps.map((a) => a.secret).concat(tokensSeen);
    for (const text of [...seen, ...envoi.logs]) for (const s of secrets) expect(text).not.to.include(s);
  });
});
