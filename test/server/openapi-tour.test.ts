import { expect } from 'chai';
import { onBackend } from '../support/backend-suite.js';
import { BACKENDS, smtpConnection, type ApiResponse, type TestEnvoi } from '../support/harness.js';
import { Conformance, conformanceHook } from '../support/openapi-conformance.js';
import type { SmtpSink } from '../support/smtp-sink.js';

// A scripted tour through the API, against a real smtp-server, in which every response is checked
// against the OpenAPI document (route, status, body). Always on; the harness hook does the
// same for every response of the whole suite.
const conformance = new Conformance();
const S = '/api/v1/scopes/platform';

describe('OpenAPI conformance check', () => {
  it('finds a leaked secret, a missing field, an undocumented status and a wrong content type', () => {
    const P = '/api/v1/scopes/acme/connections/c1';
    const view = { id: 'c1', scope: 'acme', name: 'n', provider: 'smtp', senderEmail: 'a@b.test', host: 'h', port: 587, hasSecret: true, isDefault: false, health: { status: 'ok' }, version: 1, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', warnings: [], fallback: null };
    expect(conformance.check('GET', P, 200, view, 'application/json; charset=utf-8')).to.deep.equal([]);
    expect(conformance.check('GET', P, 200, { ...view, password: 'hunter2' }, 'application/json')!.join()).to.match(/additional properties \(password\)/);
    const { health: _h, ...noHealth } = view;
    expect(conformance.check('GET', P, 200, noHealth, 'application/json')!.join()).to.match(/must have required property 'health'/);
    expect(conformance.check('GET', P, 418, {}, 'application/json')!.join()).to.match(/lists no 418/);
    expect(conformance.check('GET', P, 404, { error: { code: 'CONFLICT', message: 'x' } }, 'application/json')!.join()).to.match(/allowed values/);
    expect(conformance.check('GET', P, 200, view, 'text/html')!.join()).to.match(/content type/);
    expect(conformance.check('GET', '/app/app.js', 200, '', 'text/javascript')).to.equal(undefined);
  });

  it('the harness hook checks every response unless ENVOI_OPENAPI_CHECK=0, and throws on a response that does not conform', () => {
    const before = process.env.ENVOI_OPENAPI_CHECK;
    try {
      process.env.ENVOI_OPENAPI_CHECK = '0';
      expect(conformanceHook()).to.equal(undefined);
      delete process.env.ENVOI_OPENAPI_CHECK;
      const hook = conformanceHook()!;
      expect(() => hook('GET', '/api/v1/whoami', 200, { keyId: 'k', role: 'admin', scope: 'platform', label: null }, 'application/json')).not.to.throw();
      expect(() => hook('GET', '/api/v1/whoami', 200, { role: 'admin' }, 'application/json')).to.throw(/does not conform.*keyId/s);
    } finally {
      if (before === undefined) delete process.env.ENVOI_OPENAPI_CHECK;
      else process.env.ENVOI_OPENAPI_CHECK = before;
    }
  });
});

for (const backend of BACKENDS) {
  describe(`OpenAPI: real responses conform to the document (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let sink: SmtpSink;
    const seen = new Set<number>();
    const suite = onBackend(backend, { overrides: { pollMs: 50 }, sinkDefaults: { tls: 'none' } }, (e) => {
      envoi = e;
    });

    /** One request: it must answer `status`, and the answer must be what the document says. */
    async function call(status: number, method: string, path: string, body?: unknown, options: { key?: string | null } = {}): Promise<ApiResponse> {
      const r = await envoi.api(method, path, body, options);
      expect(r.status, `${method} ${path}: ${r.text.slice(0, 500)}`).to.equal(status);
      expect(conformance.check(method, path, r.status, r.body, r.headers.get('content-type')), `${method} ${path}`).to.deep.equal([]);
      seen.add(status);
      return r;
    }

    let conn: { id: string; name: string };
    const mail = (to: string) => ({ to, subject: 'Tour', text: 'Hello from the OpenAPI tour' });

    before(async function () {
      if (!envoi) return;
      // A recipient the server refuses for good (RFC 5321 §4.2.2: 550), for a failed delivery.
      sink = await suite.sink({ server: { onRcptTo: (a, _s, cb) => (a.address.startsWith('refused') ? cb(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 })) : cb()) } });
    });

    it('operations, keys and the catalogue', async () => {
      await call(200, 'GET', '/health', undefined, { key: null });
      await call(200, 'GET', '/api/v1/openapi.json', undefined, { key: null });
      await call(401, 'GET', `${S}/connections`, undefined, { key: null });
      await call(401, 'GET', '/api/v1/whoami', undefined, { key: 'envoi_unknown' });
      await call(200, 'GET', '/api/v1/whoami');
      const created = await call(201, 'POST', '/api/v1/keys', { role: 'builder', scope: 'acme', label: 'tour' });
      await call(400, 'POST', '/api/v1/keys', { role: 'owner', scope: 'acme' });
      const keys = await call(200, 'GET', '/api/v1/keys');
      expect(keys.text).not.to.include(created.body.key);
      await call(403, 'GET', '/api/v1/keys', undefined, { key: created.body.key });
      await call(403, 'POST', '/api/v1/scopes/acme/connections', smtpConnection(sink), { key: created.body.key });
      await call(200, 'GET', '/api/v1/whoami', undefined, { key: created.body.key });
      await call(204, 'DELETE', `/api/v1/keys/${created.body.id}`);
      await call(404, 'DELETE', `/api/v1/keys/${created.body.id}`);
      await call(200, 'GET', '/api/v1/presets');
      await call(200, 'GET', '/api/v1/actions');
      await call(200, 'GET', '/api/v1/manifest');
      await call(200, 'GET', '/api/v1/demo');
      await call(404, 'GET', '/api/v1/demo/mailbox');
    });

    it('connections: create, conflict, read, edit, test, default, test mail', async () => {
      const body = smtpConnection(sink, { authMethod: 'NONE' });
      conn = (await call(201, 'POST', `${S}/connections`, body)).body;
      await call(409, 'POST', `${S}/connections`, body);
      await call(400, 'POST', `${S}/connections`, { ...body, name: 'other', port: 'abc', extra: 1 });
      await call(400, 'POST', `${S}/connections`, '{"name":');
      await call(413, 'POST', `${S}/connections`, { ...body, senderName: 'x'.repeat(3 * 1024 * 1024) });
      await call(400, 'GET', '/api/v1/scopes/Not A Scope/connections');
      expect((await call(200, 'GET', `${S}/connections`)).body.items).to.have.length(1);
      await call(200, 'GET', `${S}/connections/${conn.id}`);
      await call(404, 'GET', `${S}/connections/nope`);
      await call(200, 'PATCH', `${S}/connections/${conn.id}`, { senderName: 'Tour', replyTo: 'help@envoi.test' });
      await call(400, 'PATCH', `${S}/connections/${conn.id}`, { port: -1 });
      await call(200, 'POST', `${S}/connections/test`, { ...body, name: 'draft' });
      await call(200, 'POST', `${S}/connections/test`, { ...body, name: 'refused', port: 1 });
      await call(200, 'POST', `${S}/connections/${conn.id}/test`);
      await call(200, 'POST', `${S}/connections/${conn.id}/default`);
      await call(200, 'POST', `${S}/connections/${conn.id}/test-email`, { to: 'admin@envoi.test', locale: 'fr' });
      await call(400, 'POST', `${S}/connections/${conn.id}/test-email`, { to: 'not an address' });
    });

    it('actions: validate, preview, execute (with and without wait), create-ics, the errors', async () => {
      const A = `${S}/actions/send-email`;
      const valid = await call(200, 'POST', `${A}/validate`, { input: mail('a@customer.test') });
      expect(valid.body.valid).to.equal(true);
      const invalid = await call(200, 'POST', `${A}/validate`, { input: { to: 'nope' } });
      expect(invalid.body.valid).to.equal(false);
      await call(200, 'POST', `${A}/validate`, { input: { ...mail('a@customer.test'), connection: 'no such connection' } });
      await call(200, 'POST', `${A}/preview`, { input: mail('a@customer.test') });
      await call(400, 'POST', `${A}/preview`, { input: { subject: 1 } });
      const sent = await call(200, 'POST', `${A}/execute?wait=20`, { input: mail('sent@customer.test') });
      expect(sent.body.status, JSON.stringify(sent.body)).to.equal('sent');
      const failed = await call(200, 'POST', `${A}/execute?wait=20`, { input: mail('refused@customer.test') });
      expect(failed.body.status).to.equal('failed');
      await call(202, 'POST', `${A}/execute`, { input: mail('queued@customer.test'), idempotencyKey: 'tour-1' });
      await call(400, 'POST', `${A}/execute?wait=999`, { input: mail('a@customer.test') });
      await call(404, 'POST', '/api/v1/scopes/platform/actions/no-such-action/execute', { input: {} });
      await call(200, 'POST', `${S}/actions/send-invitation/preview`, { input: { to: 'new@customer.test', appName: 'Tour', link: 'https://app.envoi.test/join' } });
      await call(200, 'POST', `${S}/actions/create-ics/execute`, { input: { title: 'Tour', start: '2030-01-02T10:00:00Z' } });
      await call(200, 'POST', `${S}/actions/create-ics/preview`, { input: { title: 'Tour', start: '2030-01-02T10:00:00Z' } });
    });

    it('deliveries: list, filter, detail, retry, the errors', async () => {
      const D = `${S}/deliveries`;
      const all = await call(200, 'GET', `${D}?limit=10`);
      expect(all.body.items.length).to.be.at.least(3);
      const failed = (await call(200, 'GET', `${D}?status=failed`)).body.items[0];
      const sent = (await call(200, 'GET', `${D}?status=sent`)).body.items[0];
      await call(400, 'GET', `${D}?limit=0`);
      await call(400, 'GET', `${D}?status=lost`);
      await call(200, 'GET', `${D}/${sent.id}`);
      const detail = await call(200, 'GET', `${D}/${failed.id}`);
      expect(detail.body.attemptLog[0].code).to.equal('RECIPIENT_REJECTED');
      await call(404, 'GET', `${D}/nope`);
      await call(409, 'POST', `${D}/${sent.id}/retry`);
      await call(200, 'POST', `${D}/${failed.id}/retry`);
    });

    it('templates: read, replace, refuse a broken one, return to the built-in', async () => {
      const T = `${S}/templates/send-invitation/fr`;
      await call(200, 'GET', T);
      await call(200, 'PUT', T, { subject: 'Invitation {{appName}}', html: '<p>{{link}}</p>', text: '{{link}}' });
      await call(400, 'PUT', T, { subject: 'Broken {{#if}}', html: '<p></p>', text: 'x' });
      await call(400, 'PUT', T, { subject: 'No html' });
      await call(204, 'DELETE', T);
      await call(404, 'GET', `${S}/templates/send-email/fr`);
      await call(404, 'GET', `${S}/templates/send-invitation/xx`);
      await call(204, 'DELETE', `${S}/connections/${conn.id}`);
    });

    it('the tour met every kind of answer the API gives', () => {
      expect([...seen].sort()).to.include.members([200, 201, 202, 204, 400, 401, 403, 404, 409, 413]);
    });
  });
}
