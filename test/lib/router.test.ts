import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createEnvoi, type Envoi } from '../../lib/index.js';
import { createLogger } from '../../connector/log.js';
import { smtpConnection } from '../support/harness.js';
import { startHost } from '../support/host-app.js';

describe('library: envoiRouter mounted under /plugins/email with the host\'s sign-in', () => {
  let envoi: Envoi;
  let host: { url: string; close(): Promise<void> };
  const call = async (user: string | null, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${host.url}${p}`, {
      method,
      redirect: 'manual',
      headers: { ...(user ? { 'x-user': user } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  before(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-router-'));
    envoi = await createEnvoi({ env: {}, dataDir, worker: false, allowPrivateHosts: true, allowedPorts: '1-65535', adminKey: 'an-envoi-admin-key-for-this-test', logger: createLogger({ level: 'error', write: () => {} }) });
    host = await startHost(envoi);
  });
  after(async () => {
    await host?.close();
    await envoi?.close();
  });

  it('whoami shows the host\'s user; nobody signed in is 401, and Envoi keys no longer open the API', async () => {
    const me = await call('bob', 'GET', '/plugins/email/api/v1/whoami');
    expect(me.status).to.equal(200);
    expect(me.json).to.deep.equal({ keyId: 'host:Bob of Acme', role: 'builder', scope: 'acme', label: 'Bob of Acme' });
    const nobody = await call(null, 'GET', '/plugins/email/api/v1/whoami');
    expect(nobody.status).to.equal(401);
    expect(nobody.json.error).to.include({ code: 'UNAUTHORIZED' });
    expect(nobody.json.error.hint).to.match(/sign in/i);
    const key = await call(null, 'GET', '/plugins/email/api/v1/whoami', undefined, { authorization: 'Bearer an-envoi-admin-key-for-this-test' });
    expect(key.status).to.equal(401);
  });

  it('the API works under the mount path, and a tenant\'s user cannot touch another tenant', async () => {
    const created = await call('ann', 'POST', '/plugins/email/api/v1/scopes/acme/connections', smtpConnection({ host: '127.0.0.1', port: 2525 }, { name: 'Acme relay', authMethod: 'NONE' }));
    expect(created.status).to.equal(201);
    expect(created.headers.get('location')).to.equal(`/plugins/email/api/v1/scopes/acme/connections/${created.json.id}`);
    const listed = await call('bob', 'GET', '/plugins/email/api/v1/scopes/acme/connections');
    expect(listed.json.items.map((c: { name: string }) => c.name)).to.deep.equal(['Acme relay']);

    for (const [method, p] of [['GET', 'connections'], ['POST', 'connections'], ['GET', `connections/${created.json.id}`], ['POST', 'actions/send-email/validate']] as const) {
      const res = await call('ann', method, `/plugins/email/api/v1/scopes/globex/${p}`, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${p} of globex`).to.equal(403);
      expect(res.json.error.code).to.equal('FORBIDDEN');
    }
    // A builder may not do an admin's work in its own tenant either.
    expect((await call('bob', 'DELETE', `/plugins/email/api/v1/scopes/acme/connections/${created.json.id}`)).status).to.equal(403);
    expect((await call('root', 'GET', '/plugins/email/api/v1/scopes/globex/connections')).status).to.equal(200);
    const unknown = await call('root', 'GET', '/plugins/email/api/v1/nope');
    expect(unknown.status).to.equal(404);
    expect(unknown.json.error.code).to.equal('NOT_FOUND');
  });

  it('serves the admin page and its assets under the mount path, with relative URLs', async () => {
    const bare = await call(null, 'GET', '/plugins/email');
    expect(bare.status).to.equal(301);
    expect(bare.headers.get('location')).to.equal('/plugins/email/');
    const page = await call(null, 'GET', '/plugins/email/');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    expect(page.text).to.include('href="style.css"').and.include('src="app/app.js"');
    expect(page.text, 'no absolute path to the origin root').to.not.match(/(?:href|src)="\//);
    const css = await call(null, 'GET', '/plugins/email/style.css');
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.match(/text\/css/);
    for (const js of ['app/app.js', 'app/api.js']) {
      const res = await call(null, 'GET', `/plugins/email/${js}`);
      expect(res.status, js).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/javascript/);
    }
    // The host's own routes are the host's.
    expect((await call(null, 'GET', '/')).text).to.equal('host home');
  });
});
