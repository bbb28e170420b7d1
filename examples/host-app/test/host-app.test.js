// The example host app, run as a platform would: Envoi installed from its packed tarball, the
// host's own sign-in in front of Envoi's API and admin page, and a mail sent from the host's
// code reaching a real SMTP server on 127.0.0.1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { createHostApp } from '../app.js';

const CHROMIUM = process.env.ENVOI_CHROMIUM ?? '/usr/bin/chromium';

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
async function startSmtp() {
  const received = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, port: server.server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('example host app: Envoi embedded under /plugins/email', function () {
  let host;
  let server;
  let base;
  let smtp;

  before(async () => {
    smtp = await startSmtp();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-app-'));
    // The SMTP server of this test is on loopback at a random port, which Envoi refuses by default.
    host = await createHostApp({ env: {}, dataDir, allowPrivateHosts: true, allowedPorts: '1-65535', logger: { debug() {}, info() {}, warn() {}, error() {} } });
    server = host.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    await host?.close();
    await smtp?.close();
  });

  /** Signs in through the host's form and answers its session cookie. */
  async function signIn(username) {
    const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ username, password: `${username}-secret` }) });
    assert.equal(res.status, 303);
    return res.headers.get('set-cookie').split(';')[0];
  }
  const call = async (cookie, method, p, body) => {
    const res = await fetch(`${base}${p}`, { method, headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  };

  it('the host\'s sign-in reaches Envoi\'s API; nobody signed in gets 401', async () => {
    const me = await call(await signIn('ben'), 'GET', '/plugins/email/api/v1/whoami');
    assert.equal(me.status, 200);
    assert.deepEqual({ role: me.json.role, scope: me.json.scope, label: me.json.label }, { role: 'builder', scope: 'acme', label: 'Ben (Acme builder)' });
    const nobody = await call(null, 'GET', '/plugins/email/api/v1/whoami');
    assert.equal(nobody.status, 401);
    assert.equal(nobody.json.error.code, 'UNAUTHORIZED');
  });

  it('a builder of one tenant cannot touch another tenant (403)', async () => {
    const ben = await signIn('ben');
    assert.equal((await call(ben, 'GET', '/plugins/email/api/v1/scopes/acme/connections')).status, 200);
    for (const [method, p] of [['GET', 'connections'], ['GET', 'deliveries'], ['POST', 'actions/send-email/validate']]) {
      const res = await call(ben, method, `/plugins/email/api/v1/scopes/globex/${p}`, method === 'POST' ? { input: {} } : undefined);
      assert.equal(res.status, 403, `${method} globex/${p}`);
      assert.equal(res.json.error.code, 'FORBIDDEN');
    }
    assert.equal((await call(await signIn('ada'), 'GET', '/plugins/email/api/v1/scopes/globex/connections')).status, 200);
  });

  it('a mail sent from the host\'s own code arrives at the SMTP server', async () => {
    // The platform sets up Acme's mail from its own code, through the library.
    const conn = await host.envoi.connections.create('acme', { name: 'Acme relay', host: '127.0.0.1', port: smtp.port, secure: false, authMethod: 'NONE', senderEmail: 'noreply@acme.test', isDefault: true });
    assert.equal(conn.scope, 'acme');
    const res = await call(await signIn('ben'), 'POST', '/invitations', { email: 'newcomer@example.test' });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(res.json.status, 'sent');
    const mail = smtp.received.find((m) => m.to.includes('newcomer@example.test'));
    assert.ok(mail, 'the SMTP server received the invitation');
    assert.match(mail.raw, /^Subject: Ben \(Acme builder\) invites you to acme$/m);
    const log = await host.envoi.deliveries.list('acme');
    assert.deepEqual(log.items.map((d) => d.status), ['sent']);
  });

  it('Chromium signs in through the host and loads the admin page with no failed request', async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`Chromium is required under CI at ${CHROMIUM}`);
      console.log(`    (skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium)`);
      this.skip();
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const failed = [];
      page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
      page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      page.on('pageerror', (e) => failed.push(`pageerror ${e.message}`));
      await page.goto(`${base}/login`);
      await page.getByLabel('User').fill('ada');
      await page.getByLabel('Password', { exact: true }).fill('ada-secret');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/`);
      await page.goto(`${base}/plugins/email/`);
      await page.getByRole('tablist', { name: 'Sections' }).waitFor();
      assert.match(await page.locator('#who').textContent(), /Ada \(platform admin\)/);
      // The connections tab lists Acme's connection when the admin looks at scope acme.
      await page.locator('#who').getByLabel('Scope', { exact: true }).fill('acme');
      await page.locator('#who').getByRole('button', { name: 'Switch' }).click();
      await page.getByText('Acme relay').first().waitFor();
      assert.deepEqual(failed, []);
    } finally {
      await browser.close();
    }
  });
});
