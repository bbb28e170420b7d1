/**
 * Scale-out figure: mails per second with 1, 2 and 4 `envoi worker` processes sharing one
 * PostgreSQL outbox, delivering to a loopback SMTP sink that takes a fixed time per message (as a
 * real relay does). The mail is queued far in the future; once every worker is up and polling, one
 * statement makes it all due and the clock starts (no lead time to guess: a loaded machine only
 * makes the preparation slower, never the figure wrong). The figure is from that statement to the
 * last mail received. Each row reports the load average it ran under.
 *
 * BENCH_RUNS (default 3) repeats the three counts, interleaved (1, 2, 4 workers, then again), and
 * each ratio is taken against the 1-worker figure of its own run: the summary gives their median
 * and range.
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
import { spread, type Spread } from './run/numbers.js';
import { countingSink } from './support/sink.js';

const PG_URL = process.env.ENVOI_BENCH_PG_URL ?? process.env.ENVOI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MAILS = Number(process.env.ENVOI_BENCH_SCALE_MAILS ?? 600);
const DELAY_MS = 50;
const POOL = 4;
const CONCURRENCY = 8;
const WORKER_COUNTS = [1, 2, 4];
const RUNS = Math.max(1, Math.round(Number(process.env.BENCH_RUNS) || 3));
const CPUS = os.availableParallelism();
/** Above this 1-minute load average at a row's start, the row is flagged unreliable (as in bench/run). */
const LOAD_WARN = 0.7 * CPUS;
/** The most a row waits for its mails; a row that gets fewer reports what arrived, marked. */
const ROW_BUDGET_MS = 120_000;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'envoi.js');
const SECRET_KEY = crypto.randomBytes(32).toString('base64');

/** Starts an `envoi worker` and adds it to `into` at once, so it is stopped even if it never comes up. */
function startWorker(env: Record<string, string>, into: ChildProcess[]): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', String(CONCURRENCY)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  into.push(child);
  return new Promise((resolve, reject) => {
    // Generous: a loaded machine only makes the start slower, and nothing is timed yet.
    const timer = setTimeout(() => reject(new Error('worker did not start within 60 s')), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      if (/Envoi worker/.test(c.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}`));
    });
  });
}

export interface ScaleRow {
  run: number;
  workers: number;
  mails: number;
  seconds: number;
  perSecond: number;
  /** The 1-minute load average when the clock started, and the machine's CPUs (a row that started above 0.7 x CPUs is flagged unreliable). */
  load: number;
  cpus: number;
}

async function run(workers: number, runNo: number): Promise<ScaleRow> {
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
    await Promise.all(Array.from({ length: workers }, () => startWorker(env, children)));
    const load = os.loadavg()[0]!;
    const start = performance.now();
    await envoi.db.knex('deliveries').update({ due_at: Date.now() });
    const deadline = Date.now() + ROW_BUDGET_MS;
    while (s.count < MAILS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = s.count ? (s.lastAt - start) / 1000 : ROW_BUDGET_MS / 1000;
    return { run: runNo, workers, mails: s.count, seconds, perSecond: s.count / seconds, load, cpus: CPUS };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await envoi.close();
    await s.close();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Per worker count: mails/s and the ratio to 1 worker of the same run, over the runs. */
export interface ScaleSummary {
  workers: number;
  perSecond: Spread;
  vsOne: Spread;
}

export function summarize(rows: ScaleRow[]): ScaleSummary[] {
  return WORKER_COUNTS.map((workers) => {
    const mine = rows.filter((r) => r.workers === workers);
    const vsOne = mine.flatMap((r) => {
      const one = rows.find((x) => x.run === r.run && x.workers === 1);
      return one ? [r.perSecond / one.perSecond] : [];
    });
    return { workers, perSecond: spread(mine.map((r) => r.perSecond), 1), vsOne: spread(vsOne, 2) };
  });
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
  for (let r = 1; r <= RUNS; r++) for (const n of WORKER_COUNTS) rows.push(await run(n, r));
  return rows;
}

const cell = (s: Spread, d: number, unit = '') => (s.values.length > 1 && s.min !== s.max ? `${s.median.toFixed(d)}${unit} (${s.min.toFixed(d)}-${s.max.toFixed(d)})` : `${s.median.toFixed(d)}${unit}`);

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = await scaleOut();
  if ('skipped' in result) {
    console.log(`scale-out skipped: ${result.skipped}`);
  } else {
    console.log(`\nScale-out on PostgreSQL: ${MAILS} mails of 1 KB, sink ${DELAY_MS} ms per message, pool ${POOL} per worker, ${CONCURRENCY} sends per worker, ${RUNS} run${RUNS > 1 ? 's' : ''}`);
    console.log('run | workers | mails | seconds | mails/s | vs 1 worker | load (1 min)');
    for (const r of result) {
      const one = result.find((x) => x.run === r.run && x.workers === 1)!;
      const short = r.mails < MAILS ? '!' : ' ';
      console.log(`${String(r.run).padStart(3)} | ${String(r.workers).padStart(7)} | ${String(r.mails).padStart(4)}${short} | ${r.seconds.toFixed(2).padStart(7)} | ${r.perSecond.toFixed(1).padStart(7)} | ${(r.perSecond / one.perSecond).toFixed(2).padStart(10)}x | ${r.load.toFixed(2)}${r.load > LOAD_WARN ? ' !' : ''}`);
    }
    const summary = summarize(result);
    console.log('\nworkers | mails/s: median (lowest-highest) | vs 1 worker of the same run | per run');
    for (const s of summary) console.log(`${String(s.workers).padStart(7)} | ${cell(s.perSecond, 1).padStart(32)} | ${cell(s.vsOne, 2, 'x').padStart(26)} | ${s.vsOne.values.map((v) => v.toFixed(2)).join(', ')}`);
    if (result.some((r) => r.mails < MAILS)) console.log(`! a row got fewer than ${MAILS} mails within ${ROW_BUDGET_MS / 1000} s: it reports what arrived`);
    const busy = result.filter((r) => r.load > LOAD_WARN);
    if (busy.length) console.log(`warning: the 1-minute load average was above ${LOAD_WARN.toFixed(1)} (0.7 x ${CPUS} CPUs) at the start of ${busy.length} of ${result.length} rows (marked !; the bench's own previous row counts too): those figures are unreliable; run again on a quiet machine`);
    console.log(`BENCH_SCALE_JSON ${JSON.stringify({ runs: RUNS, loadWarnAbove: LOAD_WARN, rows: result, summary })}`);
  }
}
