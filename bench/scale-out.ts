/**
 * Scale-out figure: mails per second with 1, 2 and 4 `envoi worker` processes sharing one
 * PostgreSQL outbox, delivering to a loopback SMTP sink that takes a fixed time per message (as a
 * real relay does). The mail is queued far in the future; once every worker is up and polling, one
 * statement makes it all due and the clock starts (no lead time to guess: a loaded machine only
 * makes the preparation slower, never the figure wrong). The figure is from that statement to the
 * last mail received. Each row reports the load average it ran under.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, parsePortList } from '../connector/config.js';
import { createEnvoi } from '../connector/envoi.js';
import { createLogger } from '../connector/log.js';
import { createPgDatabase } from '../test/support/harness.js';
import { countingSink } from './support/sink.js';

const PG_URL = process.env.ENVOI_BENCH_PG_URL ?? process.env.ENVOI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MAILS = Number(process.env.ENVOI_BENCH_SCALE_MAILS ?? 600);
const DELAY_MS = 50;
const POOL = 4;
const CONCURRENCY = 8;
const WORKER_COUNTS = [1, 2, 4];
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'envoi.js');
const SECRET_KEY = crypto.randomBytes(32).toString('base64');

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', String(CONCURRENCY)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (/Envoi worker/.test(c.toString())) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

export interface ScaleRow {
  workers: number;
  mails: number;
  seconds: number;
  perSecond: number;
  /** The 1-minute load average when the clock started, and the machine's CPUs (a figure under a load above them is unreliable). */
  load: number;
  cpus: number;
}

async function run(workers: number): Promise<ScaleRow> {
  const db = await createPgDatabase({ adminUrl: PG_URL, prefix: 'envoi_bench' });
  const s = await countingSink({ delayMs: DELAY_MS });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-bench-scale-'));
  const env = { DATABASE_URL: db.url, ENVOI_DATA_DIR: dataDir, ENVOI_SECRET_KEY: SECRET_KEY, ENVOI_ALLOW_PRIVATE_HOSTS: 'true', ENVOI_ALLOWED_PORTS: '1-65535', ENVOI_POLL_MS: '50', ENVOI_LOG_LEVEL: 'warn' };
  const config = loadConfig(env, { allowPrivateHosts: true, allowedPorts: parsePortList('1-65535') });
  const envoi = await createEnvoi(config, { logger: createLogger({ level: 'error' }), worker: false });
  const children: ChildProcess[] = [];
  try {
    const { connection } = await envoi.connections.create('platform', { name: 'sink', senderEmail: 'bench@envoi.test', host: '127.0.0.1', port: s.port, authMethod: 'NONE', isDefault: true, pool: { maxConnections: POOL } });
    const later = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < MAILS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, MAILS - i) }, (_, j) =>
          envoi.outbox.enqueue({ scope: 'platform', connection, action: 'send-email', mail: envoi.mailer.envelopeFor(connection, { to: `r${i + j}@customer.test`, subject: `scale ${i + j}`, text: 'x'.repeat(1024) }), sendAt: later, maxAttempts: 8 }),
        ),
      );
    }
    children.push(...(await Promise.all(Array.from({ length: workers }, () => startWorker(env)))));
    const load = os.loadavg()[0]!;
    const start = performance.now();
    await envoi.db.knex('deliveries').update({ due_at: Date.now() });
    const deadline = Date.now() + 120_000;
    while (s.count < MAILS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (s.lastAt - start) / 1000;
    return { workers, mails: s.count, seconds, perSecond: s.count / seconds, load, cpus: os.cpus().length };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await envoi.close();
    await s.close();
    await db.drop();
  }
}

export async function scaleOut(): Promise<ScaleRow[] | { skipped: string }> {
  try {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  } catch (err) {
    return { skipped: `PostgreSQL is not reachable at ${PG_URL} (${(err as Error).message})` };
  }
  const rows = [];
  for (const n of WORKER_COUNTS) rows.push(await run(n));
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = await scaleOut();
  if ('skipped' in result) {
    console.log(`scale-out skipped: ${result.skipped}`);
  } else {
    console.log(`\nScale-out on PostgreSQL: ${MAILS} mails of 1 KB, sink ${DELAY_MS} ms per message, pool ${POOL} per worker, ${CONCURRENCY} sends per worker`);
    console.log('workers | mails | seconds | mails/s | vs 1 worker | load (1 min)');
    const base = result[0]!.perSecond;
    for (const r of result) console.log(`${String(r.workers).padStart(7)} | ${String(r.mails).padStart(5)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.perSecond.toFixed(1).padStart(7)} | ${(r.perSecond / base).toFixed(2).padStart(10)}x | ${r.load.toFixed(2)}`);
    const busy = result.filter((r) => r.load > r.cpus);
    if (busy.length) console.log(`warning: the machine was loaded beyond its ${busy[0]!.cpus} CPUs during ${busy.map((r) => `${r.workers} worker${r.workers > 1 ? 's' : ''}`).join(', ')}: those figures are unreliable; run again on a quiet machine`);
    console.log(`BENCH_SCALE_JSON ${JSON.stringify(result)}`);
  }
}
