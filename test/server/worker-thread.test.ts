import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker as Thread } from 'node:worker_threads';
import { expect } from 'chai';
import { loadConfig, parsePortList } from '../../connector/config.js';
import { createLogger } from '../../connector/log.js';
import { startServer, type RunningServer } from '../../server/start.js';
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

describe('a delivery worker thread that dies is started again, and mail keeps going', function () {
  this.timeout(60_000);
  const adminKey = `adm-${crypto.randomBytes(8).toString('hex')}`;
  const logs: string[] = [];
  let server: RunningServer;
  let sink: SmtpSink;
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const send = (to: string) => api('POST', '/api/v1/scopes/acme/actions/send-email/execute?wait=10', { input: { to, subject: `to ${to}`, text: 'hello' } });

  before(async () => {
    sink = await new SmtpSink({ tls: 'none' }).start();
    const config = loadConfig({ ENVOI_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-thread-crash-')) }, { port: 0, adminKey, allowPrivateHosts: true, allowedPorts: parsePortList('1-65535'), workerThread: true, pollMs: 30_000 });
    // No resolver of the tests' own (it cannot cross threads): the worker runs on its thread.
    server = await startServer(config, { logger: createLogger({ level: 'info', write: (line) => logs.push(line) }) });
    const conn = await api('POST', '/api/v1/scopes/platform/connections', { name: 'relay', senderEmail: 'robot@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE', isDefault: true });
    expect(conn.status).to.equal(201);
  });
  after(async () => {
    await server?.close();
    await sink?.close();
  });

  it('a mail before, the thread ended from outside, a mail after: both sent once, and the log says it restarted', async () => {
    expect(server.envoi.workerThread, 'the worker is on its thread').not.to.equal(undefined);
    expect((await send('before@customer.test')).body.status).to.equal('sent');
    // As a crash would: the thread ends without being asked to stop (the field is private on purpose).
    await (server.envoi.workerThread as unknown as { thread: Thread }).thread.terminate();
    const after = await send('after@customer.test');
    expect(after.body.status, JSON.stringify(after.body)).to.equal('sent');
    expect(sink.received.map((m) => m.envelope.to[0]).sort()).to.deep.equal(['after@customer.test', 'before@customer.test']);
    expect(logs.some((l) => l.includes('the delivery worker thread stopped unexpectedly; starting it again'))).to.equal(true);
    expect(logs.filter((l) => l.includes('delivery worker started on its own thread'))).to.have.length(2);
  });
});
