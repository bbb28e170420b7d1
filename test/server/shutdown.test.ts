import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { EnvoiProcess } from '../support/process.js';
import { slowSink, SmtpSink } from '../support/smtp-sink.js';
import { pollFor, sleep, waitUntil } from '../support/wait.js';

// Each backend with the worker on the server's event loop, and SQLite with it on its own thread
// (ENVOI_WORKER_THREAD=on), whose stop crosses from the server to the thread and back.
for (const { backend, thread } of [...BACKENDS.map((b) => ({ backend: b, thread: false })), { backend: BACKENDS[0]!, thread: true }]) {
  describe(`clean SIGTERM with a slow server: nothing goes out after it was released (${backend.name}${thread ? ', worker thread' : ''})`, function () {
    this.timeout(90_000);
    let databaseUrl: string | undefined;
    let drop: (() => Promise<void>) | undefined;
    const procs: EnvoiProcess[] = [];
    let sink: SmtpSink | undefined;
    const adminKey = `adm-${crypto.randomBytes(8).toString('hex')}`;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      databaseUrl = db.databaseUrl;
      drop = db.drop;
    });
    after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await sink?.close();
      await drop?.();
    });

    it('60 mails, SIGTERM mid-flight, restart: each arrives once, or twice only with an unknown outcome on record; none released that the server has', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-sigterm-'));
      sink = await slowSink(250).start();
      const env = {
        ENVOI_DATA_DIR: dataDir,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ENVOI_ADMIN_KEY: adminKey,
        ENVOI_ALLOW_PRIVATE_HOSTS: 'true',
        ENVOI_ALLOWED_PORTS: '1-65535',
        ENVOI_POLL_MS: '50',
        ENVOI_LOG_LEVEL: 'warn',
        ENVOI_WORKER_CONCURRENCY: '16',
        // Shorter than the server's 250 ms to answer: sends past their final dot are cut and
        // must be recorded as unknown, the ones queued in the pool are released at once.
        ENVOI_SHUTDOWN_GRACE_MS: '50',
        ENVOI_WORKER_THREAD: thread ? 'on' : 'off',
      };
      const start = async () => {
        const p = await new EnvoiProcess('serve', env).start();
        procs.push(p);
        return p;
      };
      const first = await start();
      const api = (p: EnvoiProcess, method: string, url: string, body?: unknown) => p.call(adminKey, method, url, body);
      const conn = await api(first, 'POST', '/api/v1/scopes/platform/connections', { name: 'slow relay', senderEmail: 'robot@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE', isDefault: true });
      expect(conn.status).to.equal(201);
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          api(first, 'POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: `r${i}@customer.test`, subject: `term ${i}`, text: 'x' } }).then((r) => {
            if (r.status !== 202) throw new Error(JSON.stringify(r.body));
            ids.push(r.body.deliveryId);
          }),
        ),
      );
      await waitUntil('some mail to arrive', () => sink!.received.length >= 8, 30_000);
      first.kill('SIGTERM');
      expect(await first.wait()).to.equal(0);
      // What the server had from the first process, however late that process stopped.
      const fromFirst = new Set(sink.messageIds());
      expect(fromFirst.size, 'stopped after everything was sent; the test proves nothing').to.be.below(60);

      const second = await start();
      await waitUntil('all 60 to arrive', () => new Set(sink!.messageIds()).size >= 60, 60_000);
      const settled = async () => {
        const list = await api(second, 'GET', '/api/v1/scopes/platform/deliveries?limit=100');
        return list.body.items.every((d: { status: string }) => d.status === 'sent' || d.status === 'unknown');
      };
      await waitUntil('every delivery to settle', settled, 30_000);
      await sleep(300);

      const copies = new Map<string, number>();
      for (const m of sink.messageIds()) copies.set(m, (copies.get(m) ?? 0) + 1);
      let twice = 0;
      let unknown = 0;
      let released = 0;
      for (const id of ids) {
        const d = (await api(second, 'GET', `/api/v1/scopes/platform/deliveries/${id}`)).body;
        const outcomes = d.attemptLog.map((a: { outcome: string }) => a.outcome) as string[];
        const n = copies.get(d.messageId) ?? 0;
        expect(n, `copies of ${id}: ${JSON.stringify(d.attemptLog)}`).to.be.within(1, 2);
        if (outcomes.includes('unknown')) unknown++;
        if (outcomes.includes('released')) released++;
        if (n === 2) {
          twice++;
          expect(outcomes, `a second copy of ${id} without an unknown outcome on record`).to.include('unknown');
        }
        if (fromFirst.has(d.messageId)) {
          expect(outcomes, `${id} reached the server but was logged as released`).to.not.include('released');
        }
      }
      // Both paths were exercised: sends cut after their dot, and sends released before DATA.
      expect(unknown, 'no send was past its final dot at SIGTERM; the test proves nothing').to.be.at.least(1);
      expect(released, 'no send waited for a pooled connection at SIGTERM; the test proves nothing').to.be.at.least(1);
      expect(twice).to.be.at.most(unknown);
      await second.stop();
    });
  });
}

/**
 * The smallest SMTP server (RFC 5321 §4.1: EHLO, MAIL, RCPT, DATA, QUIT) that counts complete
 * messages; with `stallFirstData` the first session stops reading its socket after the 354, as a
 * server that hangs mid-message would, so the client's final dot can never be written.
 */
async function minimalSmtp(opts: { stallFirstData: boolean }): Promise<{ host: string; port: number; received: number; stalled: boolean; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { host: '127.0.0.1', port: 0, received: 0, stalled: false, close: async () => {} };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let inData = false;
    socket.write('220 minimal.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          buffer = buffer.slice(end + 5);
          inData = false;
          state.received++;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250-minimal.test\r\n250 8BITMIME\r\n');
        else if (line.startsWith('DATA')) {
          socket.write('354 go ahead\r\n');
          inData = true;
          if (opts.stallFirstData && !state.stalled) {
            state.stalled = true;
            socket.pause();
            return;
          }
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

for (const backend of BACKENDS) {
  describe(`stop while a large message is still streaming (${backend.name})`, function () {
    this.timeout(60_000);
    let envoi: TestEnvoi | undefined;
    let drop: (() => Promise<void>) | undefined;
    let stop: (() => Promise<void>) | undefined;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { shutdownGraceMs: 300, pollMs: 50, retryBaseMs: 100 } }).start();
    });
    after(async () => {
      await envoi?.stop();
      await stop?.();
      await drop?.();
    });

    it('cut at the end of the grace period before its final dot: released, never delivered from the first run, sent once after the restart', async () => {
      // The first session takes DATA, then stops reading its socket: the client can never finish.
      const server = await minimalSmtp({ stallFirstData: true });
      stop = server.close;
      const c = await envoi!.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(server, { authMethod: 'NONE', isDefault: true }));
      expect(c.status, c.text).to.equal(201);
      // Far more than the loopback socket buffers take while the server reads nothing.
      const content = crypto.randomBytes(8 * 1024 * 1024).toString('base64');
      const r = await envoi!.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'big@customer.test', subject: 'large', text: 'see attached', attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content }] } });
      expect(r.status, r.text).to.equal(202);
      await waitUntil('the server to take DATA', () => server.stalled, 20_000);
      await envoi!.restart();
      const d = await pollFor(
        async () => (await envoi!.api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body,
        (x) => x.status === 'sent',
        (x) => `delivery still ${x.status}: ${JSON.stringify(x)}`,
        30_000,
      );
      await sleep(300);
      expect(server.received, 'copies received').to.equal(1);
      const outcomes = d.attemptLog.map((a: { outcome: string }) => a.outcome);
      expect(outcomes, JSON.stringify(d.attemptLog)).to.deep.equal(['released', 'sent']);
      expect(d.attemptLog[0].message).to.match(/before its end/);
      expect(d.attempts, 'a released attempt is given back').to.equal(1);
    });
  });
}
