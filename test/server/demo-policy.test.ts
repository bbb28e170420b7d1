import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DEFAULT_PORTS, loadConfig, parsePortList } from '../../connector/config.js';
import { createLogger } from '../../connector/log.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { tableLookup } from '../support/harness.js';

/**
 * Demo mode (`npm start -- --demo`) with the production network rules: only the platform's
 * "Local capture" connection may reach the capture server, and nothing may reach any other
 * loopback port.
 */
describe('demo mode: the loopback exception is the capture port, for the demo connection only', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-demo-policy-'));
  const adminKey = `test-admin-${crypto.randomBytes(12).toString('hex')}`;
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const refused = (r: { status: number; body: any }, what: string) => {
    expect(r.status, `${what}: ${JSON.stringify(r.body)}`).to.equal(400);
    expect(r.body.error.code, what).to.equal('HOST_NOT_ALLOWED');
  };

  before(async () => {
    const config = loadConfig({ ENVOI_DATA_DIR: dataDir }, { port: 0, adminKey, allowPrivateHosts: false, allowedPorts: parsePortList(DEFAULT_PORTS) });
    server = await startServer(config, { demo: true, lookup: tableLookup(), logger: createLogger({ level: 'error', write: () => {} }) });
  });

  after(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the "Local capture" connection reaches the capture server (its test passes), and mail is captured into the mailbox', async () => {
    const list = await api('GET', '/scopes/platform/connections');
    const demo = list.body.items.find((c: { name: string }) => c.name === 'Local capture');
    expect(demo).to.include({ host: '127.0.0.1', port: server.capture!.port, isDefault: true });
    const tested = await api('POST', `/scopes/platform/connections/${demo.id}/test`);
    expect(tested.body, JSON.stringify(tested.body)).to.include({ ok: true });
    const sent = await api('POST', '/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'ada@example.test', subject: 'Demo', text: 'hello' } });
    expect(sent.body.status, JSON.stringify(sent.body)).to.equal('captured');
    const box = await api('GET', '/scopes/platform/mailbox');
    expect(box.body.items.map((m: { subject: string }) => m.subject)).to.include('Demo');
    expect(server.capture!.received).to.equal(0);
  });

  it('a tenant pointing at 127.0.0.1 or localhost, on the capture port or another, is refused; an unsaved test too', async () => {
    const capturePort = server.capture!.port;
    const conn = (host: string, port: number) => ({ name: `to ${host}:${port}`, senderEmail: 'a@acme.test', host, port, authMethod: 'NONE' });
    for (const [host, port] of [['127.0.0.1', capturePort], ['localhost', capturePort], ['127.0.0.1', 2525], ['127.0.0.1', 25], ['localhost', 587]] as const) {
      refused(await api('POST', '/scopes/acme/connections', conn(host, port)), `tenant ${host}:${port}`);
      refused(await api('POST', '/scopes/acme/connections/test', conn(host, port)), `tenant test ${host}:${port}`);
    }
  });

  it('another platform connection is refused there too, and the demo connection cannot be moved to another loopback port', async () => {
    const capturePort = server.capture!.port;
    refused(await api('POST', '/scopes/platform/connections', { name: 'Sneaky', senderEmail: 'a@envoi.test', host: '127.0.0.1', port: capturePort, authMethod: 'NONE' }), 'platform, capture port');
    refused(await api('POST', '/scopes/platform/connections', { name: 'Sneaky', senderEmail: 'a@envoi.test', host: '127.0.0.1', port: 2525, authMethod: 'NONE' }), 'platform, 2525');
    // Renaming another connection does not make it the demo one: the exception follows the id.
    const other = await api('POST', '/scopes/platform/connections', { name: 'Public', senderEmail: 'a@envoi.test', host: '93.184.216.34', port: 587, authMethod: 'NONE' });
    expect(other.status, JSON.stringify(other.body)).to.equal(201);
    refused(await api('PATCH', `/scopes/platform/connections/${other.body.id}`, { host: '127.0.0.1', port: capturePort }), 'platform connection moved to the capture port');

    const demo = (await api('GET', '/scopes/platform/connections')).body.items.find((c: { name: string }) => c.name === 'Local capture');
    refused(await api('PATCH', `/scopes/platform/connections/${demo.id}`, { port: 2525 }), 'demo connection moved to 2525');
    refused(await api('POST', '/scopes/platform/connections/test', { id: demo.id, name: 'Local capture', senderEmail: 'demo@envoi.localhost', host: '127.0.0.1', port: 25, authMethod: 'NONE' }), 'demo connection tested on 25');
    const unchanged = await api('PATCH', `/scopes/platform/connections/${demo.id}`, { senderName: 'Envoi demo mailbox' });
    expect(unchanged.status, JSON.stringify(unchanged.body)).to.equal(200);
  });

  it('a tenant connection saved under the old rules (pointing at the capture server) sends nothing and fails its test', async () => {
    const created = await api('POST', '/scopes/acme/connections', { name: 'Saved long ago', senderEmail: 'a@acme.test', host: '93.184.216.34', port: 587, authMethod: 'NONE' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    // What an older version let a tenant save in demo mode.
    const row = (await server.envoi.db.knex('connections').where({ id }).first()) as { settings: string };
    await server.envoi.db.knex('connections').where({ id }).update({ settings: JSON.stringify({ ...JSON.parse(row.settings), host: '127.0.0.1', port: server.capture!.port }) });

    refused(await api('POST', `/scopes/acme/connections/${id}/test`), 'saved test');
    // Demo mode is a sandbox: the mail is captured before any connection is used.
    const sent = await api('POST', '/scopes/acme/actions/send-email/execute', { input: { connection: id, to: 'ada@example.test', subject: 'Old row', text: 'x' } });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    expect(sent.body.status).to.equal('captured');
    const d = (await api('GET', `/scopes/acme/deliveries/${sent.body.deliveryId}`)).body;
    expect(d).to.include({ status: 'captured', attempts: 0 });
    expect(server.capture!.received).to.equal(0);
  });
});
