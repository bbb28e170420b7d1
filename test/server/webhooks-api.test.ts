import { expect } from 'chai';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, tableLookup, TestEnvoi } from '../support/harness.js';
import { pollFor, waitUntil } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

for (const backend of BACKENDS) {
  describe(`webhook endpoints API: the secret shown once, sealed at rest, events and URLs checked (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let receiver: WebhookReceiver;
    const base = '/api/v1/scopes/acme/webhooks';

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      receiver = await new WebhookReceiver().start();
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { webhookRetryScale: 0.01 } }).start();
    });
    after(async () => {
      await envoi?.stop();
      await receiver?.close();
      await drop?.();
    });

    it('create shows a whsec_ secret once; no later answer, row, log or data file holds it; rotate shows a new one that signs from then on', async () => {
      const r = await envoi.api('POST', base, { url: receiver.url(), events: ['webhook.test', 'delivery.bounced'], description: 'CRM' });
      expect(r.status, r.text).to.equal(201);
      expect(r.headers.get('location')).to.match(new RegExp(`/webhooks/${r.body.id}$`));
      expect(r.body).to.include({ url: receiver.url(), description: 'CRM', enabled: true, scope: 'acme', disabledReason: null });
      expect(r.body.events).to.deep.equal(['webhook.test', 'delivery.bounced']);
      const secret = r.body.secret as string;
      expect(secret).to.match(/^whsec_[A-Za-z0-9+/]+=*$/);
      const bytes = Buffer.from(secret.slice(6), 'base64').length;
      expect(bytes).to.be.within(24, 64);
      const key = secret.slice(6);
      const id = r.body.id as string;
      const later = [await envoi.api('GET', base), await envoi.api('GET', `${base}/${id}`), await envoi.api('PATCH', `${base}/${id}`, { description: 'CRM v2' })];
      for (const a of later) {
        expect(a.status, a.text).to.equal(200);
        expect(a.text).not.to.include(key);
        expect(a.text).not.to.include('secret');
      }
      expect(later[0]!.body.items.map((e: { id: string }) => e.id)).to.deep.equal([id]);
      const row = await envoi.server.envoi.db.knex('webhook_endpoints').where({ id }).first();
      expect(JSON.stringify(row)).not.to.include(key);
      expect(envoi.logs.join('\n')).not.to.include(key);
      for (const f of envoi.dataFiles()) expect(f.bytes.includes(Buffer.from(key)), f.file).to.equal(false);

      const rotated = await envoi.api('POST', `${base}/${id}/rotate-secret`);
      expect(rotated.status, rotated.text).to.equal(200);
      expect(rotated.body.secret).to.match(/^whsec_/).and.not.equal(secret);
      receiver.secret = rotated.body.secret;
      const t = await envoi.api('POST', `${base}/${id}/test`);
      expect(t.status, t.text).to.equal(202);
      expect(t.body).to.include({ type: 'webhook.test', status: 'pending', attempts: 0 });
      await waitUntil('the test message', () => receiver.received.some((h) => h.id === t.body.id), 10_000);
      const got = receiver.received.find((h) => h.id === t.body.id)!;
      expect(got.error, 'verified with the rotated secret').to.equal(undefined);
      expect(got.event).to.deep.include({ type: 'webhook.test', data: { endpointId: id } });
      expect(envoi.logs.join('\n')).not.to.include(rotated.body.secret.slice(6));
    });

    it('events: ["*"] by default, "*" stands alone; unknown event types, missing or malformed URLs and strings over their length are VALIDATION_FAILED', async () => {
      const all = await envoi.api('POST', base, { url: receiver.url() });
      expect(all.body.events).to.deep.equal(['*']);
      expect((await envoi.api('PATCH', `${base}/${all.body.id}`, { events: ['*', 'delivery.sent'] })).body.events).to.deep.equal(['*']);
      const cases: Array<[unknown, string]> = [
        [{ url: receiver.url(), events: ['delivery.opened'] }, '/events/0'],
        [{ events: ['*'] }, '/url'],
        [{ url: 'ftp://hooks.acme.test/in' }, '/url'],
        [{ url: receiver.url(), description: 'x'.repeat(501) }, '/description'],
        [{ url: `${receiver.url()}?${'a'.repeat(2100)}` }, '/url'],
        [{ url: receiver.url(), secret: 'whsec_mine' }, '/secret'],
      ];
      for (const [body, path] of cases) {
        const r = await envoi.api('POST', base, body);
        expect(r.status, JSON.stringify(body)).to.equal(400);
        expect(r.body.error.code).to.equal('VALIDATION_FAILED');
        expect(r.body.error.details.map((d: { path: string }) => d.path), r.text).to.include(path);
      }
      const creds = await envoi.api('POST', base, { url: `http://user:pw@127.0.0.1:${receiver.port}/in` });
      expect(creds.status).to.equal(400);
      expect(creds.text).not.to.include('pw@');
      expect((await envoi.api('PATCH', `${base}/${all.body.id}`, { events: ['nope'] })).body.error.code).to.equal('VALIDATION_FAILED');
    });

    it('an endpoint belongs to its scope: another tenant sees 403 with its key and 404 for the id in its own scope; delete removes it', async () => {
      const r = await envoi.api('POST', base, { url: receiver.url() });
      const other = await envoi.key('admin', 'globex');
      expect((await envoi.api('GET', base, undefined, { key: other })).status).to.equal(403);
      expect((await envoi.api('GET', `/api/v1/scopes/globex/webhooks/${r.body.id}`, undefined, { key: other })).status).to.equal(404);
      const builder = await envoi.key('builder', 'acme');
      expect((await envoi.api('GET', base, undefined, { key: builder })).status).to.equal(403);
      expect((await envoi.api('DELETE', `${base}/${r.body.id}`)).status).to.equal(204);
      expect((await envoi.api('GET', `${base}/${r.body.id}`)).status).to.equal(404);
      expect((await envoi.api('DELETE', `${base}/${r.body.id}`)).status).to.equal(404);
    });
  });
}

describe('webhook URLs under the default network policy (private addresses refused)', function () {
  let envoi: TestEnvoi;
  const base = '/api/v1/scopes/acme/webhooks';
  const lookup = tableLookup({ 'hooks.public.test': ['93.184.216.34'], 'rebind.public.test': ['93.184.216.34', '10.1.2.3'], 'metadata.public.test': ['169.254.169.254'] });
  before(async () => {
    envoi = await new TestEnvoi({ lookup, overrides: { allowPrivateHosts: false } }).start();
  });
  after(() => envoi?.stop());

  it('loopback, private and link-local addresses, by literal or by name (any of its addresses), are HOST_NOT_ALLOWED; plain http:// is refused', async () => {
    for (const url of ['https://127.0.0.1/in', 'http://127.0.0.1:8080/in', 'https://[::1]/in', 'https://10.0.0.8/hook', 'https://localhost/in', 'https://rebind.public.test/in', 'https://metadata.public.test/latest']) {
      const r = await envoi.api('POST', base, { url });
      expect(r.status, url).to.equal(400);
      expect(r.body.error.code, url).to.equal('HOST_NOT_ALLOWED');
      expect(r.body.error.hint).to.include('ENVOI_ALLOW_PRIVATE_HOSTS');
      expect(r.body.error.details[0].path).to.equal('/url');
    }
    const http = await envoi.api('POST', base, { url: 'http://hooks.public.test/in' });
    expect(http.body.error.code).to.equal('VALIDATION_FAILED');
    expect(http.body.error.details[0]).to.deep.equal({ path: '/url', message: 'must start with https://' });
    const ok = await envoi.api('POST', base, { url: 'https://hooks.public.test/in' });
    expect(ok.status, ok.text).to.equal(201);
    expect((await envoi.api('PATCH', `${base}/${ok.body.id}`, { url: 'https://127.0.0.1/in' })).body.error.code).to.equal('HOST_NOT_ALLOWED');
  });

  it('at send time the URL is vetted again: a name that now resolves to loopback (DNS rebinding) is refused, nothing is sent, the try is retried', async () => {
    lookup.table['hooks.later.test'] = ['93.184.216.34'];
    const r = await envoi.api('POST', base, { url: 'https://hooks.later.test/in', events: ['webhook.test'] });
    expect(r.status, r.text).to.equal(201);
    lookup.table['hooks.later.test'] = ['127.0.0.1'];
    const t = await envoi.api('POST', `${base}/${r.body.id}/test`);
    const page = await pollFor(async () => (await envoi.api('GET', `${base}/${r.body.id}/messages`)).body, (p) => p.items[0]?.attempts >= 1, (p) => JSON.stringify(p), 10_000);
    expect(page.items[0]).to.include({ id: t.body.id, status: 'pending', lastStatus: null });
    expect(page.items[0].attemptLog[0].error).to.match(/^HOST_NOT_ALLOWED: /);
    expect(page.items[0].nextAttemptAt).to.be.a('string');
  });
});
