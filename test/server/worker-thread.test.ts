import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EnvoiProcess } from '../support/process.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { waitUntil } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * `envoi serve` runs its delivery worker on its own thread with ENVOI_WORKER_THREAD=on.
 * What the server and the worker tell each other must still reach the user: `?wait` answers the
 * attempt, an edited connection is used for the next mail, a webhook endpoint made just before
 * a send hears it, and /metrics counts the worker's attempts. The same checks run with the worker
 * on the server's event loop, so the two modes are seen to behave alike.
 */
for (const mode of [{ name: 'own thread', env: 'on' }, { name: 'event loop', env: 'off' }]) {
  describe(`envoi serve with its delivery worker on its ${mode.name} (ENVOI_WORKER_THREAD=${mode.env})`, function () {
    this.timeout(60_000);
    const adminKey = `adm-${crypto.randomBytes(8).toString('hex')}`;
    const metricsToken = `metrics-${crypto.randomBytes(8).toString('hex')}`;
    let server: EnvoiProcess;
    let first: SmtpSink;
    let second: SmtpSink;
    let receiver: WebhookReceiver;
    let connectionId: string;
    const api = (method: string, url: string, body?: unknown) => server.call(adminKey, method, url, body);
    const execute = (to: string, query = '') => api('POST', `/api/v1/scopes/acme/actions/send-email/execute${query}`, { input: { to, subject: `to ${to}`, text: 'hello' } });

    before(async () => {
      first = await new SmtpSink({ tls: 'none' }).start();
      second = await new SmtpSink({ tls: 'none' }).start();
      receiver = await new WebhookReceiver().start();
      server = await new EnvoiProcess('serve', {
        ENVOI_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-thread-')), ENVOI_ADMIN_KEY: adminKey, ENVOI_METRICS_TOKEN: metricsToken,
        ENVOI_ALLOW_PRIVATE_HOSTS: 'true', ENVOI_ALLOWED_PORTS: '1-65535', ENVOI_WORKER_THREAD: mode.env,
        // A long poll: mail that went out at once was woken across the threads, not found by polling.
        ENVOI_POLL_MS: '30000',
      }).start();
      const conn = await api('POST', '/api/v1/scopes/platform/connections', { name: 'relay', senderEmail: 'robot@envoi.test', host: first.host, port: first.port, authMethod: 'NONE', isDefault: true });
      expect(conn.status).to.equal(201);
      connectionId = conn.body.id;
    });
    after(async () => {
      await server?.stop();
      await Promise.all([first?.close(), second?.close(), receiver?.close()]);
    });

    it('says where the worker runs in its log', () => {
      const started = server.stderr.join('').includes('delivery worker started on its own thread');
      expect(started).to.equal(mode.env === 'on');
    });

    it('?wait answers with the attempt: sent, with its Message-ID, and the relay has it', async () => {
      const r = await execute('a@customer.test', '?wait=10');
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.status).to.equal('sent');
      expect(first.received.map((m) => m.envelope.to[0])).to.include('a@customer.test');
      expect(first.received.find((m) => m.envelope.to[0] === 'a@customer.test')!.parsed.messageId).to.equal(r.body.messageId);
    });

    it('a connection edited to another relay is used for the very next mail', async () => {
      const patched = await api('PATCH', `/api/v1/scopes/platform/connections/${connectionId}`, { port: second.port, host: second.host });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      const r = await execute('b@customer.test', '?wait=10');
      expect(r.body.status).to.equal('sent');
      expect(second.received.map((m) => m.envelope.to[0])).to.deep.equal(['b@customer.test']);
      expect(first.received.map((m) => m.envelope.to[0])).not.to.include('b@customer.test');
    });

    it('a webhook endpoint made just before a send hears its delivery.sent, verified', async () => {
      const hook = await api('POST', '/api/v1/scopes/platform/webhooks', { url: receiver.url(), events: ['delivery.sent'] });
      expect(hook.status).to.equal(201);
      receiver.secret = hook.body.secret;
      const r = await execute('c@customer.test');
      expect(r.status).to.equal(202);
      await waitUntil('delivery.sent at the receiver', () => receiver.events('delivery.sent').length > 0, 20_000);
      expect(receiver.events('delivery.sent').map((h) => h.event!.data.deliveryId)).to.deep.equal([r.body.deliveryId]);
    });

    it("/metrics counts the worker's attempts", async () => {
      await waitUntil('three mails at the relays', () => first.received.length + second.received.length >= 3, 20_000);
      const read = async () => (await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text());
      await waitUntil('three sent attempts counted', async () => /envoi_attempts_total\{outcome="sent",code=""\} 3\b/.test(await read()), 10_000);
      expect(await read()).to.match(/envoi_send_duration_seconds_count\{outcome="sent"\} 3\b/);
    });
  });
}
