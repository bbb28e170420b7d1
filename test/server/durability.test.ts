import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase } from '../../connector/store/database.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS } from '../support/harness.js';
import { EnvoiProcess } from '../support/process.js';
import { slowSink, SmtpSink } from '../support/smtp-sink.js';
import { sleep, waitUntil } from '../support/wait.js';

for (const backend of BACKENDS) {
  describe(`durability: real processes killed and stopped (${backend.name})`, function () {
    this.timeout(120_000);
    let databaseUrl: string | undefined;
    const drops: Array<() => Promise<void>> = [];
    const procs: EnvoiProcess[] = [];
    const sinks: SmtpSink[] = [];
    const adminKey = `adm-${crypto.randomBytes(8).toString('hex')}`;

    // Each test gets its own database, as each gets its own data directory.
    beforeEach(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      databaseUrl = db.databaseUrl;
      drops.push(db.drop);
    });
    after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await Promise.all(sinks.map((s) => s.close()));
      for (const drop of drops) await drop();
    });

    const envFor = (dataDir: string, extra: Record<string, string> = {}) => ({
      ENVOI_DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ENVOI_ADMIN_KEY: adminKey,
      ENVOI_ALLOW_PRIVATE_HOSTS: 'true',
      ENVOI_ALLOWED_PORTS: '1-65535',
      ENVOI_POLL_MS: '50',
      ENVOI_LOG_LEVEL: 'warn',
      ...extra,
    });
    const start = async (dataDir: string, extra?: Record<string, string>) => {
      const p = await new EnvoiProcess('serve', envFor(dataDir, extra)).start();
      procs.push(p);
      return p;
    };
    const api = (p: EnvoiProcess, method: string, url: string, body?: unknown) => p.call(adminKey, method, url, body);
    const queue = async (p: EnvoiProcess, n: number, tag: string) => {
      for (let i = 0; i < n; i += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, n - i) }, (_, j) =>
            api(p, 'POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: `r${i + j}@customer.test`, subject: `${tag} ${i + j}`, text: 'x' } }).then((r) => {
              if (r.status !== 202) throw new Error(JSON.stringify(r.body));
            }),
          ),
        );
      }
    };
    const statusCounts = async (dataDir: string) => {
      const db = openDatabase({ databaseUrl, dataDir });
      try {
        const rows = await db.knex('deliveries').select('status').count({ n: '*' }).groupBy('status');
        return Object.fromEntries(rows.map((r: any) => [r.status, Number(r.n)])) as Record<string, number>;
      } finally {
        await db.close();
      }
    };

    it('SIGKILL with 150 mails queued to a slow server: after a restart all arrive, duplicates within what was in flight', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-kill-'));
      const sink = await slowSink(25, { recordAfterDelay: true }).start();
      sinks.push(sink);
      const concurrency = 8;
      const extra = { ENVOI_LEASE_MS: '1500', ENVOI_WORKER_CONCURRENCY: String(concurrency) };
      const first = await start(dataDir, extra);
      const conn = await api(first, 'POST', '/api/v1/scopes/platform/connections', { name: 'slow relay', senderEmail: 'robot@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE', isDefault: true });
      expect(conn.status).to.equal(201);
      await queue(first, 150, 'kill');
      await waitUntil('some mail to arrive', () => sink.received.length >= 20, 30_000);
      first.kill('SIGKILL');
      await first.wait();
      const atKill = sink.received.length;
      expect(atKill, 'killed after everything was sent; the test proves nothing').to.be.below(150);

      const second = await start(dataDir, extra);
      const unique = () => new Set(sink.messageIds()).size;
      await waitUntil('all 150 to arrive', () => unique() >= 150, 60_000);
      await sleep(300);
      expect(unique()).to.equal(150);
      const duplicates = sink.received.length - 150;
      expect(duplicates, 'duplicates beyond what one worker had in flight').to.be.at.most(concurrency);
      await waitUntil('the outbox to settle', async () => (await statusCounts(dataDir)).sent === 150, 10_000);
      expect(await statusCounts(dataDir)).to.deep.equal({ sent: 150 });
      const list = await api(second, 'GET', '/api/v1/scopes/platform/deliveries?limit=500');
      const lost = list.body.items.filter((d: { attempts: number }) => d.attempts > 1);
      expect(lost.length, 'mail taken over from the killed worker').to.be.at.least(1);
      await second.stop();
    });

    it('SIGTERM with mail in flight: in-flight sends finish, nothing is left sending, the rest goes after a restart', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-term-'));
      const sink = await slowSink(150, { recordAfterDelay: true }).start();
      sinks.push(sink);
      const extra = { ENVOI_WORKER_CONCURRENCY: '4', ENVOI_SHUTDOWN_GRACE_MS: '8000' };
      const first = await start(dataDir, extra);
      const conn = await api(first, 'POST', '/api/v1/scopes/platform/connections', { name: 'slow relay', senderEmail: 'robot@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE', isDefault: true });
      expect(conn.status).to.equal(201);
      await queue(first, 40, 'term');
      await waitUntil('some mail to arrive', () => sink.received.length >= 4, 30_000);
      first.kill('SIGTERM');
      expect(await first.wait()).to.equal(0);
      const counts = await statusCounts(dataDir);
      expect(counts.sending ?? 0, 'rows left sending after SIGTERM').to.equal(0);
      expect(counts.sent ?? 0).to.equal(sink.received.length);
      expect(counts.sent ?? 0).to.be.below(40);

      await start(dataDir, extra);
      await waitUntil('all 40 to arrive', () => new Set(sink.messageIds()).size >= 40, 60_000);
      await sleep(300);
      expect(sink.received.length, 'a graceful stop sends nothing twice').to.equal(40);
      await waitUntil('the outbox to settle', async () => (await statusCounts(dataDir)).sent === 40, 10_000);
    });
  });
}
