import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';
import { EnvoiProcess } from '../support/process.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { pollFor, sleep } from '../support/wait.js';
import { deliverySuite } from './delivery-suite.js';

/** ENVOI_SANDBOX=true (design.md "Sandbox"): every scope, allow lists ignored, test mails included. */
for (const backend of BACKENDS) {
  describe(`ENVOI_SANDBOX=true captures everything (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { sink, connect, execute, delivery } = deliverySuite(backend, (s) => ({ envoi } = s), { sandbox: true });

    it('an allowed address, a test mail and a system mail are all captured; the server is never connected to', async () => {
      let sessions = 0;
      const s: SmtpSink = await sink({ server: { onConnect: (_session, cb) => { sessions++; cb(); } } });
      const id = await connect('acme', s, { isDefault: true });
      const put = await envoi.api('PUT', '/api/v1/scopes/acme/settings', { sandbox: { enabled: true, allow: ['allowed@example.com'] } });
      expect(put.body).to.deep.include({ instanceSandbox: true });
      const r = await execute('acme', { to: ['allowed@example.com', 'other@client.test'], subject: 'Staging', text: 'x' }, { wait: 5 });
      expect(r.body.status).to.equal('captured');
      expect((await delivery('acme', r.body.deliveryId)).captured).to.deep.equal(['allowed@example.com', 'other@client.test']);
      // The platform scope has no settings of its own: captured all the same.
      await connect('platform', s, { isDefault: true });
      expect((await execute('platform', { to: 'someone@client.test', subject: 'Platform', text: 'x' })).body.status).to.equal('captured');
      const test = await envoi.api('POST', `/api/v1/scopes/acme/connections/${id}/test-email`, { to: 'allowed@example.com' });
      expect(test.status, JSON.stringify(test.body)).to.equal(200);
      expect(test.body).to.deep.include({ ok: true, status: 'captured', captured: ['allowed@example.com'] });
      const inv = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-invitation/execute', { input: { to: 'allowed@example.com', appName: 'Acme', link: 'https://app.example.com/i/1', inviterName: 'Ann' } });
      expect(inv.body.status).to.equal('captured');
      const box = (await envoi.api('GET', '/api/v1/scopes/acme/mailbox')).body;
      expect(box.items).to.have.length(3);
      expect(box.items.map((m: { deliveryId: string }) => m.deliveryId)).to.include.members([r.body.deliveryId, test.body.deliveryId, inv.body.deliveryId]);
      await sleep(500);
      expect(sessions).to.equal(0);
      expect(s.received).to.have.length(0);
    });
  });
}

/**
 * `envoi serve --demo` twice on one data dir, as processes an operator starts: the "Local capture"
 * connection is the platform default only at the first start; a default an admin chose in between
 * stays the default.
 */
describe('--demo keeps a platform default an admin chose', function () {
  this.timeout(90_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-demo-twice-'));
  const adminKey = `test-admin-${crypto.randomBytes(12).toString('hex')}`;
  const env = { ENVOI_DATA_DIR: dataDir, ENVOI_ADMIN_KEY: adminKey, ENVOI_COMPOSE_THREADS: '0' };
  let server: EnvoiProcess | undefined;
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  /** The demo line comes after the ready line, in a write of its own. */
  const demoLine = (p: EnvoiProcess) => pollFor(async () => p.output.join(''), (o) => /Demo mode: sandbox on/.test(o), (o) => `no demo line in:\n${o}`, 5000);
  const defaults = async (p: EnvoiProcess) =>
    ((await p.call(adminKey, 'GET', '/api/v1/scopes/platform/connections')).body.items as Array<{ name: string; isDefault: boolean; port: number }>);

  it('the first start makes "Local capture" the default; after an admin picks another, the second start leaves it', async () => {
    server = await new EnvoiProcess('serve', env, ['--demo']).start(30_000);
    await demoLine(server);
    expect((await defaults(server)).find((c) => c.name === 'Local capture')).to.include({ isDefault: true });
    const relay = await server.call(adminKey, 'POST', '/api/v1/scopes/platform/connections', { name: 'Company relay', senderEmail: 'noreply@company.test', host: '93.184.216.34', port: 587, authMethod: 'NONE' });
    expect(relay.status, JSON.stringify(relay.body)).to.equal(201);
    expect((await server.call(adminKey, 'POST', `/api/v1/scopes/platform/connections/${relay.body.id}/default`)).status).to.equal(200);
    await server.stop();

    server = await new EnvoiProcess('serve', env, ['--demo']).start(30_000);
    const after = await defaults(server);
    expect(after.filter((c) => c.isDefault).map((c) => c.name)).to.deep.equal(['Company relay']);
    // The demo connection still follows this run's capture server.
    const port = Number(/SMTP server on 127\.0\.0\.1:(\d+)\)/.exec(await demoLine(server))?.[1]);
    expect(port).to.be.above(0);
    expect(after.find((c) => c.name === 'Local capture')).to.include({ isDefault: false, port });
    // Still a sandbox: mail through the admin's default is captured, never sent to the relay.
    const sent = await server.call(adminKey, 'POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'ada@example.test', subject: 'Hi', text: 'x' } });
    expect(sent.body).to.deep.include({ status: 'captured' });
  });
});
