// A connection's health starts `untested` (design.md "A connection"): a passing test or a send
// through it makes it ok; metrics count untested as healthy. And the connections list names the
// platform default a tenant without its own inherits (design.md "HTTP API").

import { expect } from 'chai';
import { onBackend } from '../support/backend-suite.js';
import { BACKENDS, smtpConnection, type TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { waitUntil } from '../support/wait.js';

const METRICS_TOKEN = 'metrics-token-for-untested-0123456789';

for (const backend of BACKENDS) {
  describe(`connection health untested, and the inherited default (${backend.name})`, function () {
    this.timeout(60_000);
    let envoi: TestEnvoi;
    let sink: SmtpSink;
    onBackend(backend, { overrides: { metricsToken: METRICS_TOKEN, pollMs: 50 } }, async (e) => {
      envoi = e;
    });
    before(async () => {
      sink = await new SmtpSink({ tls: 'none' }).start();
    });
    after(async () => sink?.close());

    const health = async (scope: string, id: string) => (await envoi.api('GET', `/api/v1/scopes/${scope}/connections/${id}`)).body.health;
    const healthyMetric = async (name: string) => {
      const text = (await envoi.api('GET', '/metrics', undefined, { key: METRICS_TOKEN })).text as string;
      return text.split('\n').find((l) => l.startsWith('envoi_connection_healthy{') && l.includes(`connection="${name}"`))?.split(' ').pop();
    };

    it('a new connection is untested (healthy in metrics); a passing test makes it ok, an edit untested again', async () => {
      const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', name: 'fresh relay' }));
      expect(c.status).to.equal(201);
      expect(c.body.health).to.deep.equal({ status: 'untested' });
      expect(await health('platform', c.body.id)).to.deep.equal({ status: 'untested' });
      expect(await healthyMetric('fresh relay')).to.equal('1');
      const t = await envoi.api('POST', `/api/v1/scopes/platform/connections/${c.body.id}/test`);
      expect(t.body.ok, JSON.stringify(t.body)).to.equal(true);
      expect(await health('platform', c.body.id)).to.deep.equal({ status: 'ok' });
      const edited = await envoi.api('PATCH', `/api/v1/scopes/platform/connections/${c.body.id}`, { senderName: 'Desk' });
      expect(edited.body.health).to.deep.equal({ status: 'untested' });
    });

    it('a failing test leaves an untested connection untested; the first send through it makes it ok', async () => {
      const c = await envoi.api('POST', '/api/v1/scopes/acme/connections', smtpConnection(sink, { authMethod: 'NONE', name: 'acme relay', isDefault: true }));
      const bad = await envoi.api('POST', '/api/v1/scopes/acme/connections/test', { id: c.body.id, port: 1 });
      expect(bad.body.ok).to.equal(false);
      expect(await health('acme', c.body.id)).to.deep.equal({ status: 'untested' });
      const r = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/execute?wait=10', { input: { to: 'ada@customer.test', subject: 'first', text: 'x' } });
      expect(r.body.status).to.equal('sent');
      await waitUntil('ok after the first send', async () => (await health('acme', c.body.id)).status === 'ok', 5000);
    });

    it('lists the platform default a tenant without its own inherits, and null once it has one', async () => {
      const platform = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', name: 'platform relay', isDefault: true }));
      expect((await envoi.api('GET', '/api/v1/scopes/platform/connections')).body.inheritedDefault).to.equal(null);
      const before = await envoi.api('GET', '/api/v1/scopes/globex/connections');
      expect(before.body).to.deep.equal({ items: [], inheritedDefault: { id: platform.body.id, name: 'platform relay', scope: 'platform' } });
      const own = await envoi.api('POST', '/api/v1/scopes/globex/connections', smtpConnection(sink, { authMethod: 'NONE', name: 'globex relay' }));
      expect((await envoi.api('GET', '/api/v1/scopes/globex/connections')).body.inheritedDefault, 'a connection that is not its default').to.deep.include({ name: 'platform relay' });
      await envoi.api('POST', `/api/v1/scopes/globex/connections/${own.body.id}/default`);
      expect((await envoi.api('GET', '/api/v1/scopes/globex/connections')).body.inheritedDefault).to.equal(null);
    });
  });
}
