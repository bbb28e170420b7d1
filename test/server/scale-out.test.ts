import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection } from '../support/harness.js';
import { EnvoiProcess } from '../support/process.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { busiestWindow, timedSink } from '../support/timed-sink.js';
import { sleep, waitUntil } from '../support/wait.js';

const pgBackend = BACKENDS.find((b) => b.name === 'postgres')!;

describe('scale-out: one API server and several worker processes on one PostgreSQL database', function () {
  this.timeout(180_000);
  const adminKey = `adm-${crypto.randomBytes(8).toString('hex')}`;
  let databaseUrl: string;
  const drops: Array<() => Promise<void>> = [];
  const procs: EnvoiProcess[] = [];
  const sinks: SmtpSink[] = [];

  beforeEach(async function () {
    const db = await pgBackend.create();
    if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
    databaseUrl = db.databaseUrl!;
    drops.push(db.drop);
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    await Promise.all(sinks.splice(0).map((s) => s.close()));
  });
  after(async () => {
    for (const drop of drops) await drop();
  });

  const env = (extra: Record<string, string> = {}) => ({
    ENVOI_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-scale-')),
    DATABASE_URL: databaseUrl,
    ENVOI_ADMIN_KEY: adminKey,
    ENVOI_SECRET_KEY: SECRET_KEY,
    ENVOI_ALLOW_PRIVATE_HOSTS: 'true',
    ENVOI_ALLOWED_PORTS: '1-65535',
    ENVOI_POLL_MS: '50',
    ENVOI_LEASE_MS: '1500',
    ENVOI_LOG_LEVEL: 'warn',
    ...extra,
  });
  const spawn = async (command: 'serve' | 'worker', extra?: Record<string, string>) => {
    const p = await new EnvoiProcess(command, env(extra)).start(30_000);
    procs.push(p);
    return p;
  };
  /** An API server without a worker, and `n` workers, all started at once (migrations race). */
  const cluster = async (workers: number, workerEnv: Record<string, string> = {}) => {
    const [api, ...ws] = await Promise.all([spawn('serve', { ENVOI_SERVE_WORKER: 'off' }), ...Array.from({ length: workers }, () => spawn('worker', workerEnv))]);
    return { api: api!, workers: ws };
  };
  const call = (p: EnvoiProcess, method: string, url: string, body?: unknown) => p.call(adminKey, method, url, body);
  const queue = async (p: EnvoiProcess, n: number, extra: Record<string, unknown> = {}) => {
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, (_, j) =>
          call(p, 'POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: `r${i + j}@customer.test`, subject: `m ${i + j}`, text: 'x', ...extra } }).then((r) => {
            if (r.status !== 202) throw new Error(JSON.stringify(r.body));
          }),
        ),
      );
    }
  };
  const db = () => new pg.Client({ connectionString: databaseUrl });
  const statuses = async () => {
    const c = db();
    await c.connect();
    try {
      const r = await c.query('SELECT status, count(*)::int AS n FROM deliveries GROUP BY status');
      return Object.fromEntries(r.rows.map((x: { status: string; n: number }) => [x.status, x.n])) as Record<string, number>;
    } finally {
      await c.end();
    }
  };

  it('600 mails across three workers, one killed with SIGKILL mid-run: every mail arrives, duplicates within its in-flight sends, nothing left sending', async () => {
    const sink = await timedSink(5).start();
    sinks.push(sink);
    const concurrency = 8;
    const { api, workers } = await cluster(3, { ENVOI_WORKER_CONCURRENCY: String(concurrency) });
    const conn = await call(api, 'POST', '/api/v1/scopes/platform/connections', { ...smtpConnection(sink, { authMethod: 'NONE', isDefault: true }) });
    expect(conn.status).to.equal(201);
    await queue(api, 600);
    await waitUntil('a quarter to arrive', () => sink.received.length >= 150, 60_000);
    workers[0]!.kill('SIGKILL');
    await workers[0]!.wait();
    const unique = () => new Set(sink.messageIds()).size;
    await waitUntil('all 600 to arrive', () => unique() >= 600, 90_000);
    await waitUntil('the outbox to settle', async () => (await statuses()).sent === 600, 15_000);
    await sleep(200);
    expect(unique()).to.equal(600);
    expect(sink.received.length - 600, 'duplicates beyond the killed worker\'s in-flight sends').to.be.at.most(concurrency);
    expect(await statuses()).to.deep.equal({ sent: 600 });
    const c = db();
    await c.connect();
    const byWorker = await c.query("SELECT worker, count(*)::int AS n FROM delivery_attempts WHERE outcome = 'sent' GROUP BY worker");
    await c.end();
    expect(byWorker.rows.length, 'every worker delivered some of the mail').to.equal(3);
  });

  it('20 concurrent requests with one idempotency key over two API servers: one delivery, one mail', async () => {
    const sink = await timedSink(0).start();
    sinks.push(sink);
    const { api, workers } = await cluster(1);
    const api2 = await spawn('serve', { ENVOI_SERVE_WORKER: 'off' });
    await call(api, 'POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true }));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(i % 2 ? api : api2, 'POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'once@customer.test', subject: 'once', text: 'x' }, idempotencyKey: 'invoice-981' }),
      ),
    );
    expect(new Set(results.map((r) => r.body.deliveryId)).size).to.equal(1);
    await waitUntil('the mail', () => sink.received.length >= 1, 20_000);
    await sleep(500);
    expect(sink.received).to.have.length(1);
    expect(workers).to.have.length(1);
  });

  it('a limit of 5 mails per second holds across three workers: no one-second window holds more than 5, and all arrive', async () => {
    const sink = await timedSink(0).start();
    sinks.push(sink);
    const { api } = await cluster(3);
    const conn = await call(api, 'POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true, rateLimit: { messages: 5, perSeconds: 1 } }));
    expect(conn.status).to.equal(201);
    const started = Date.now();
    await queue(api, 30);
    await waitUntil('all 30 to arrive', () => sink.received.length >= 30, 60_000);
    const took = Date.now() - started;
    expect(busiestWindow(sink.arrivals, 1000), `arrivals: ${sink.arrivals.map((t) => t - started).join(',')}`).to.be.at.most(5);
    expect(took, 'the limit should pace, not stall').to.be.below(20_000);
    expect(sink.received).to.have.length(30);
    // Waiting mail says why while it waits; none of it failed.
    expect((await statuses()).failed ?? 0).to.equal(0);
  });

  it('connections cut under load: workers reconnect and deliver everything; a worker whose database is gone exits non-zero', async () => {
    const sink = await timedSink(10).start();
    sinks.push(sink);
    const { api, workers } = await cluster(2, { ENVOI_DB_DOWN_EXIT_MS: '60000' });
    await call(api, 'POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true }));
    await queue(api, 200);
    await waitUntil('some mail to arrive', () => sink.received.length >= 20, 30_000);
    // Cut every connection to the database, again and again, for two seconds.
    const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    const name = new URL(databaseUrl).pathname.slice(1);
    for (let i = 0; i < 10; i++) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await sleep(200);
    }
    await waitUntil('all 200 to arrive', () => new Set(sink.messageIds()).size >= 200, 60_000);
    await waitUntil('the outbox to settle', async () => (await statuses()).sent === 200, 20_000);
    for (const w of workers) expect(w.child.exitCode, 'a worker died').to.equal(null);

    // A worker whose database disappears for good exits with a non-zero code.
    const doomed = await spawn('worker', { ENVOI_DB_DOWN_EXIT_MS: '1000' });
    await Promise.all(procs.filter((p) => p !== doomed).map((p) => p.stop()));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    const code = await Promise.race([doomed.wait(), sleep(20_000).then(() => 'still running')]);
    expect(code).to.equal(3);
  });
});

const SECRET_KEY = crypto.randomBytes(32).toString('base64');
