import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../connector/config.js';
import { createLogger } from '../../connector/log.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { tableLookup } from '../support/harness.js';
import { Conformance } from '../support/openapi-conformance.js';

// The demo routes answer only in demo mode (`npm start -- --demo`): their replies, with a mail the
// capture server caught, are checked against the OpenAPI document like the tour's.
describe('OpenAPI: demo mode responses conform to the document', () => {
  let server: RunningServer;
  const conformance = new Conformance();
  const adminKey = `test-admin-${crypto.randomBytes(12).toString('hex')}`;
  const call = async (status: number, method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: any = text ? JSON.parse(text) : undefined;
    expect(res.status, `${method} ${p}: ${text.slice(0, 300)}`).to.equal(status);
    expect(conformance.check(method, p, res.status, parsed, res.headers.get('content-type')), `${method} ${p}`).to.deep.equal([]);
    return parsed;
  };

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-openapi-demo-'));

  before(async () => {
    const config = loadConfig({ ENVOI_DATA_DIR: dataDir }, { port: 0, adminKey });
    server = await startServer(config, { demo: true, lookup: tableLookup(), logger: createLogger({ level: 'error', write: () => {} }) });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('demo, the settings and mailbox of a scope with a captured mail, and emptying it', async () => {
    expect((await call(200, 'GET', '/api/v1/demo')).enabled).to.equal(true);
    expect((await call(200, 'GET', '/api/v1/scopes/platform/settings')).instanceSandbox).to.equal(true);
    const sent = await call(200, 'POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=20', { input: { to: 'someone@customer.test', subject: 'Caught', html: '<p>Hi</p>' } });
    expect(sent.status).to.equal('captured');
    const box = await call(200, 'GET', '/api/v1/scopes/platform/mailbox');
    const item = box.items.find((m: { subject: string }) => m.subject === 'Caught');
    expect(item).to.include({ deliveryId: sent.deliveryId });
    const mail = await call(200, 'GET', `/api/v1/scopes/platform/mailbox/${item.id}`);
    expect(mail.message.html).to.contain('<p>Hi</p>');
    await call(204, 'DELETE', '/api/v1/scopes/platform/mailbox');
    expect((await call(200, 'GET', '/api/v1/scopes/platform/mailbox')).items).to.deep.equal([]);
    await call(404, 'GET', `/api/v1/scopes/platform/mailbox/${item.id}`);
  });
});
