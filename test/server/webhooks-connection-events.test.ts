import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { waitUntil } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

for (const backend of BACKENDS) {
  describe(`webhooks: connection.unhealthy, connection.failover and connection.healthy from where they happen (${backend.name})`, function () {
    this.timeout(60_000);
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let fallbackSink: SmtpSink;
    let authSink: SmtpSink;
    let receiver: WebhookReceiver;
    const users: Record<string, string> = { 'mailer@envoi.test': 'the-right-password' };
    const base = '/api/v1/scopes/ops';

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { retryBaseMs: 100, pollMs: 50, webhookRetryScale: 0.01 } }).start();
      fallbackSink = await new SmtpSink({ tls: 'none' }).start();
      authSink = await new SmtpSink({ tls: 'starttls', users }).start();
      receiver = await new WebhookReceiver().start();
      // A platform endpoint: it hears the tenant's connection events too.
      const hook = await envoi.api('POST', '/api/v1/scopes/platform/webhooks', { url: receiver.url(), events: ['connection.unhealthy', 'connection.healthy', 'connection.failover'] });
      expect(hook.status, hook.text).to.equal(201);
      receiver.secret = hook.body.secret;
    });
    after(async () => {
      await envoi?.stop();
      await Promise.all([fallbackSink?.close(), authSink?.close(), receiver?.close()]);
      await drop?.();
    });

    it('a rejected password: connection.unhealthy with the error and connection.failover naming the fallback; a passing test: connection.healthy', async () => {
      const f = await envoi.api('POST', `${base}/connections`, smtpConnection(fallbackSink, { name: 'backup', authMethod: 'NONE' }));
      const p = await envoi.api('POST', `${base}/connections`, smtpConnection(authSink, { name: 'main', authMethod: 'PLAIN', user: 'mailer@envoi.test', password: 'a-wrong-password', caCertificate: testPki().caCert, fallback: 'backup' }));
      expect(p.status, p.text).to.equal(201);
      const x = await envoi.api('POST', `${base}/actions/send-email/execute`, { input: { to: 'ann@customer.test', subject: 'hi', text: 'x', connection: 'main' } });
      expect(x.status, x.text).to.equal(202);
      const deliveryId = x.body.deliveryId as string;
      await waitUntil('unhealthy and failover events', () => receiver.events('connection.unhealthy').length > 0 && receiver.events('connection.failover').length > 0, 20_000);
      const unhealthy = receiver.events('connection.unhealthy')[0]!.event!.data;
      expect(unhealthy.connection).to.deep.equal({ id: p.body.id, name: 'main', scope: 'ops' });
      expect(unhealthy.error.code).to.equal('AUTH_FAILED');
      const failover = receiver.events('connection.failover')[0]!.event!.data;
      expect(failover).to.deep.include({ deliveryId, scope: 'ops' });
      expect(failover.connection).to.deep.equal({ id: p.body.id, name: 'main', scope: 'ops' });
      expect(failover.fallback).to.deep.equal({ id: f.body.id, name: 'backup' });
      expect(failover.error.code).to.equal('AUTH_FAILED');
      expect(envoi.logs.some((l) => l.includes('connection failover') && l.includes(deliveryId)), 'the log line stays').to.equal(true);
      expect(receiver.events('connection.healthy')).to.have.length(0);

      // The server now takes the stored password: a passing test of the saved connection clears the mark.
      users['mailer@envoi.test'] = 'a-wrong-password';
      const t = await envoi.api('POST', `${base}/connections/${p.body.id}/test`);
      expect(t.body.ok, t.text).to.equal(true);
      await waitUntil('connection.healthy', () => receiver.events('connection.healthy').length > 0, 10_000);
      expect(receiver.events('connection.healthy')[0]!.event!.data).to.deep.equal({ connection: { id: p.body.id, name: 'main', scope: 'ops' } });
      expect(receiver.received.every((h) => h.error === undefined)).to.equal(true);
    });
  });
}
