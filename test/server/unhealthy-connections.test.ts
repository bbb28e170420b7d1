import { expect } from 'chai';
import { onBackend } from '../support/backend-suite.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { sleep, waitUntil } from '../support/wait.js';

for (const backend of BACKENDS) {
  describe(`unhealthy connections (${backend.name})`, function () {
    let envoi: TestEnvoi;
    onBackend(backend, { overrides: { pollMs: 50, retryBaseMs: 100 } }, (e) => {
      envoi = e;
    });

    it('an auth failure marks the connection unhealthy; its mail waits without burning attempts; a fix sends it', async () => {
      const { testPki } = await import('../support/certs.js');
      const sink = await new SmtpSink({ tls: 'starttls', users: { u: 'right-password' } }).start();
      try {
        const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', { ...smtpConnection(sink), host: 'localhost', user: 'u', password: 'wrong-password', caCertificate: testPki().caCert, isDefault: true, name: 'flaky' });
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: `h${i}@customer.test`, subject: `h${i}`, text: 'x' } })).body.deliveryId);
        await waitUntil('the connection to turn unhealthy', async () => (await envoi.api('GET', `/api/v1/scopes/platform/connections/${c.body.id}`)).body.health.status === 'unhealthy', 10_000);
        const conn = (await envoi.api('GET', `/api/v1/scopes/platform/connections/${c.body.id}`)).body;
        expect(conn.health.lastError.code).to.equal('AUTH_FAILED');
        await sleep(500);
        for (const id of ids) {
          const d = (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body;
          expect(d.status, JSON.stringify(d)).to.equal('queued');
          expect(d.attempts).to.be.at.most(1);
          expect(['AUTH_FAILED', 'CONNECTION_UNHEALTHY']).to.include(d.waitingFor.code);
        }
        expect(sink.authAttempts.length, 'auth was retried against a broken connection').to.be.at.most(3);
        const fixed = await envoi.api('PATCH', `/api/v1/scopes/platform/connections/${c.body.id}`, { password: 'right-password' });
        // An edit is a fresh start: untested (not unhealthy), so the waiting mail goes at once.
        expect(fixed.body.health.status).to.equal('untested');
        await sink.waitFor(3, 15_000);
        for (const id of ids) {
          await waitUntil(`delivery ${id} to be sent`, async () => (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body.status === 'sent', 5000);
        }
        // Sent through it: it works.
        expect((await envoi.api('GET', `/api/v1/scopes/platform/connections/${c.body.id}`)).body.health.status).to.equal('ok');
      } finally {
        await sink.close();
      }
    });

    it('a server fixed on its side: a passing test of the unchanged connection clears the mark and sends the waiting mail', async () => {
      const { testPki } = await import('../support/certs.js');
      const users: Record<string, string> = { u: 'rotated-on-the-server' };
      const sink = await new SmtpSink({ tls: 'starttls', users }).start();
      try {
        const c = await envoi.api('POST', '/api/v1/scopes/fixed/connections', { ...smtpConnection(sink), host: 'localhost', user: 'u', password: 'the-password', caCertificate: testPki().caCert, isDefault: true });
        const id = (await envoi.api('POST', '/api/v1/scopes/fixed/actions/send-email/execute', { input: { to: 'w@customer.test', subject: 'w', text: 'x' } })).body.deliveryId;
        await waitUntil('unhealthy', async () => (await envoi.api('GET', `/api/v1/scopes/fixed/connections/${c.body.id}`)).body.health.status === 'unhealthy', 10_000);
        users.u = 'the-password';
        // The edit form's test of the unchanged connection (with its id) passes and clears it.
        const t = await envoi.api('POST', '/api/v1/scopes/fixed/connections/test', { id: c.body.id });
        expect(t.body).to.include({ ok: true });
        expect((await envoi.api('GET', `/api/v1/scopes/fixed/connections/${c.body.id}`)).body.health.status).to.equal('ok');
        await sink.waitFor(1, 10_000);
        await waitUntil('sent', async () => (await envoi.api('GET', `/api/v1/scopes/fixed/deliveries/${id}`)).body.status === 'sent', 5000);
      } finally {
        await sink.close();
      }
    });
  });
}
