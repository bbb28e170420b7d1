import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { smtpConnection, TestEnvoi } from '../support/harness.js';

const run = promisify(execFile);
const C = (scope: string) => `/api/v1/scopes/${scope}/connections`;

describe('API keys, roles and scopes', () => {
  let envoi: TestEnvoi;
  before(async () => {
    envoi = await new TestEnvoi().start();
  });
  after(() => envoi.stop());

  it('a request without a key, or with an unknown key, is 401 with a hint', async () => {
    const none = await envoi.api('GET', C('platform'), undefined, { key: null });
    expect(none.status).to.equal(401);
    expect(none.body.error).to.include({ code: 'UNAUTHORIZED' });
    expect(none.body.error.hint).to.match(/Bearer/);
    const unknown = await envoi.api('GET', C('platform'), undefined, { key: 'envoi_nope' });
    expect(unknown.status).to.equal(401);
  });

  it('a platform admin creates a key that is shown once and stored only as a hash', async () => {
    const r = await envoi.api('POST', '/api/v1/keys', { role: 'builder', scope: 'acme', label: 'acme builder' });
    expect(r.status).to.equal(201);
    expect(r.body).to.include({ role: 'builder', scope: 'acme', label: 'acme builder' });
    expect(r.body.key).to.match(/^envoi_[A-Za-z0-9_-]{32}$/);
    const list = await envoi.api('GET', '/api/v1/keys');
    const listed = list.body.items.find((k: { id: string }) => k.id === r.body.id);
    expect(listed).to.include({ role: 'builder', scope: 'acme' });
    expect(list.text).not.to.include(r.body.key);
    const rows = await envoi.server.envoi.db.knex('api_keys').where({ id: r.body.id });
    expect(JSON.stringify(rows)).not.to.include(r.body.key);
    expect(rows[0].key_hash).to.equal(crypto.createHash('sha256').update(r.body.key).digest('hex'));
  });

  it('roles: builders read, admins manage, the runtime does neither', async () => {
    const builder = await envoi.key('builder', 'acme');
    const runtime = await envoi.key('runtime', 'acme');
    const admin = await envoi.key('admin', 'acme');
    const body = smtpConnection({ host: '127.0.0.1', port: 25 }, { authMethod: 'NONE' });
    const denied = await envoi.api('POST', C('acme'), body, { key: builder });
    expect(denied.status).to.equal(403);
    expect(denied.body.error.code).to.equal('FORBIDDEN');
    expect(denied.body.error.hint).to.match(/admin/);
    const made = await envoi.api('POST', C('acme'), body, { key: admin });
    expect(made.status).to.equal(201);
    expect((await envoi.api('GET', C('acme'), undefined, { key: builder })).body.items).to.have.length(1);
    expect((await envoi.api('GET', '/api/v1/presets', undefined, { key: builder })).status).to.equal(200);
    expect((await envoi.api('GET', C('acme'), undefined, { key: runtime })).status).to.equal(403);
    expect((await envoi.api('DELETE', `${C('acme')}/${made.body.id}`, undefined, { key: builder })).status).to.equal(403);
    // A tenant admin manages its own scope only, and cannot mint keys.
    expect((await envoi.api('GET', C('other'), undefined, { key: admin })).status).to.equal(403);
    expect((await envoi.api('POST', '/api/v1/keys', { role: 'admin', scope: 'acme' }, { key: admin })).status).to.equal(403);
  });

  it('a revoked key stops working at once', async () => {
    const r = await envoi.api('POST', '/api/v1/keys', { role: 'builder', scope: 'platform' });
    expect((await envoi.api('GET', '/api/v1/presets', undefined, { key: r.body.key })).status).to.equal(200);
    expect((await envoi.api('DELETE', `/api/v1/keys/${r.body.id}`)).status).to.equal(204);
    expect((await envoi.api('GET', '/api/v1/presets', undefined, { key: r.body.key })).status).to.equal(401);
    expect((await envoi.api('DELETE', `/api/v1/keys/${r.body.id}`)).body.error.code).to.equal('NOT_FOUND');
  });

  it('a bad key request names the field', async () => {
    const r = await envoi.api('POST', '/api/v1/keys', { role: 'root', scope: 'Not A Scope' });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('VALIDATION_FAILED');
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['/role', '/scope']);
  });

  it('`envoi keys create` prints a key once that the server then accepts', async () => {
    const bin = path.resolve('dist/bin/envoi.js');
    const env = { ...process.env, ENVOI_DATA_DIR: envoi.dataDir, DATABASE_URL: '' };
    const out = await run(process.execPath, [bin, 'keys', 'create', '--role', 'admin', '--scope', 'cli-tenant', '--label', 'from cli'], { env });
    const key = out.stdout.trim();
    expect(key).to.match(/^envoi_/);
    expect(out.stderr).to.match(/shown only this once/);
    const r = await envoi.api('GET', C('cli-tenant'), undefined, { key });
    expect(r.status).to.equal(200);
    const bad = await run(process.execPath, [bin, 'keys', 'create', '--role', 'admin'], { env }).catch((e: { code: number; stderr: string }) => e);
    // A call without --scope is a usage mistake: one line pointing at the command's help, exit 2.
    expect((bad as { code: number }).code).to.equal(2);
    expect((bad as { stderr: string }).stderr).to.equal('envoi: keys create needs --role and --scope (missing --scope) (see `envoi keys create --help`)\n');
  });
});
