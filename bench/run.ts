/**
 * Envoi benchmark (`npm run bench`). Everything it measures is compared with baselines measured
 * in the same run on the same machine, so the ratios mean something even where absolute numbers
 * do not travel. See bench/README.md for what each figure means.
 *
 * Processes (all on 127.0.0.1, nothing else on the network):
 *   main   this file: orchestrates, and is the client (HTTP load generator)
 *   sink   an smtp-server that counts what it receives (a mail is done when the sink has it)
 *   sut    the system under test, a fresh process per case: Envoi (`startServer`, in-process
 *          worker), raw nodemailer, or a bare express route
 * They talk over fork()'s IPC channel. Every loop is bounded in count and time, and a watchdog
 * ends the run if it ever takes longer than WATCHDOG_MS.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Settings (environment variables override them, e.g. BENCH_MAILS=500 for a quick run)

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const S = {
  mails: num('BENCH_MAILS', 2000),
  /** Mails of the one-at-a-time reference (each pays a connect and the 100 ms greeting). */
  serialMails: num('BENCH_SERIAL_MAILS', 50),
  warmup: num('BENCH_WARMUP', 200),
  concurrency: num('BENCH_CONCURRENCY', 32),
  rate: num('BENCH_RATE', 200),
  rateSeconds: num('BENCH_RATE_SECONDS', 10),
  /** A second, lower rate for Envoi alone (0 to skip): is the latency at the main rate saturation? */
  rateLow: Number(process.env.BENCH_RATE_LOW ?? 100) || 0,
  rateWarmupSeconds: num('BENCH_RATE_WARMUP_SECONDS', 2),
  queue: num('BENCH_QUEUE', 100_000),
  queueBudgetMs: num('BENCH_QUEUE_BUDGET_MS', 120_000),
  enqueueBatch: 50,
  drainSeconds: num('BENCH_DRAIN_SECONDS', 10),
  caseBudgetMs: num('BENCH_CASE_BUDGET_MS', 60_000),
};
/** The run aims to end within RUN_BUDGET_MS (the queue of figure 5 is cut short to fit); the watchdog is the hard stop. */
const RUN_BUDGET_MS = num('BENCH_RUN_BUDGET_MS', 285_000);
const WATCHDOG_MS = num('BENCH_WATCHDOG_MS', 360_000);
/** Phases to run (default all): raw, envoi, halves, latency, memory. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'raw,envoi,halves,latency,memory').split(',').map((x) => x.trim()));
/** Count SQL statements and time the database connection in Envoi processes (adds a little overhead). */
const TRACE_SQL = /^(1|true|yes)$/i.test(process.env.BENCH_TRACE_SQL ?? '');
/**
 * Node options of every system-under-test process (Envoi and the baselines alike): the ones
 * `npm start` runs Envoi with (read from package.json, so the bench measures what ships), then
 * BENCH_SUT_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
const PRODUCT_NODE_ARGS = productNodeArgs();
const SUT_ARGS = [...PRODUCT_NODE_ARGS, ...(process.env.BENCH_SUT_ARGS ?? '').split(/\s+/).filter(Boolean)];

/** The node options in package.json's start script (`node --flag … dist/bin/envoi.js serve`). */
function productNodeArgs(): string[] {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  const out: string[] = [];
  for (const w of words.slice(words.indexOf('node') + 1)) {
    if (!w.startsWith('--')) break;
    out.push(w);
  }
  return out;
}
const ADMIN_KEY = 'bench-admin-key-123456';
const AUTH = `Bearer ${ADMIN_KEY}`;
const EXECUTE_PATH = '/api/v1/scopes/platform/actions/send-email/execute';
const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// The mails: ~1 KB plain text and ~5 KB HTML, the same bytes for Envoi and for raw nodemailer

type Kind = 'text' | 'html';
const FROM = 'bench@envoi.test';
const TO = 'r@customer.test';

function textBody(): string {
  let s = '';
  for (let i = 1; s.length < 1024; i++) s += `Line ${String(i).padStart(2, '0')}: your order has shipped and is on its way to you.\n`;
  return s.slice(0, 1024);
}

function htmlBody(): string {
  let s = '<!doctype html><html><head><meta charset="utf-8"><title>Order</title></head><body style="font-family:sans-serif">\n<h1>Your order has shipped</h1>\n';
  for (let i = 1; s.length < 5000; i++) {
    s += `<p>Item ${i}: <b>Widget model ${i}</b> &mdash; quantity 1, price <i>EUR ${(i * 3.5).toFixed(2)}</i>. <a href="https://shop.example/items/${i}">View it</a>.</p>\n`;
  }
  return s + '</body></html>\n';
}

const BODIES: Record<Kind, string> = { text: textBody(), html: htmlBody() };
const SUBJECT: Record<Kind, string> = { text: 'Bench: 1 KB text', html: 'Bench: 5 KB html' };
const LABEL: Record<Kind, string> = { text: '1 KB text', html: '5 KB html' };

function mailInput(kind: Kind): { to: string; subject: string; text?: string; html?: string } {
  return kind === 'text' ? { to: TO, subject: SUBJECT.text, text: BODIES.text } : { to: TO, subject: SUBJECT.html, html: BODIES.html };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const MB = (b: number) => Math.round((b / 1048576) * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs fn(i) for i < n with at most `concurrency` calls in flight, stopping new calls at the deadline. */
async function closedLoop(n: number, concurrency: number, deadline: number, fn: (i: number) => Promise<void>): Promise<{ ok: number; failed: number; firstError?: string }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < n && performance.now() < deadline) {
      const i = next++;
      try {
        await fn(i);
        ok++;
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return { ok, failed, ...(firstError ? { firstError } : {}) };
}

interface ProcStats {
  cpu: NodeJS.CpuUsage;
  elu: { idle: number; active: number };
  mem: NodeJS.MemoryUsage;
}

function procStats(): ProcStats {
  const e = performance.eventLoopUtilization();
  return { cpu: process.cpuUsage(), elu: { idle: e.idle, active: e.active }, mem: process.memoryUsage() };
}

const cpuMs = (a: ProcStats, b: ProcStats) => (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
const eluOf = (a: ProcStats, b: ProcStats) => {
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
};

// ---------------------------------------------------------------------------------------------
// Child processes and their IPC

type Request = { id: number; cmd: string; args?: unknown };
type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

const children = new Set<ChildProcess>();

class Child {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly exited: Promise<void>;

  private constructor(readonly role: string, readonly proc: ChildProcess) {
    proc.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${role}: ${m.error}`));
    });
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        children.delete(proc);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(new Error(`${role} process exited (${signal ?? code})`));
        }
        this.pending.clear();
        resolve();
      });
    });
  }

  static async spawn(role: 'sink' | 'sut'): Promise<Child> {
    // --expose-gc so memory figures can be taken after a collection.
    const proc = fork(SELF, ['--role', role], { execArgv: ['--expose-gc', ...(role === 'sut' ? SUT_ARGS : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(proc);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${role} did not start`)), 20_000);
      proc.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${role} exited at start (${code})`));
      });
    });
    return new Child(role, proc);
  }

  call<T>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.role} ${cmd}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ id, cmd, args } satisfies Request);
    });
  }

  stats(): Promise<ProcStats> {
    return this.call<ProcStats>('stats');
  }

  /** Asks the child to clean up and exit; kills it if it has not exited within 15 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await this.call('exit', undefined, 15_000).catch(() => {});
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The child side: answers the parent's requests with `handlers`. */
function serveParent(handlers: Record<string, (args: any) => Promise<unknown> | unknown>, cleanup: () => Promise<void>): void {
  process.on('disconnect', () => {
    void cleanup().finally(() => process.exit(0));
  });
  process.on('message', (m: Request) => {
    void (async () => {
      if (m.cmd === 'exit') {
        await cleanup().catch((err) => console.error(err));
        process.send!({ id: m.id, ok: true } satisfies Reply, () => process.exit(0));
        return;
      }
      const h = handlers[m.cmd];
      try {
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        const result = await h(m.args);
        process.send!({ id: m.id, ok: true, result } satisfies Reply);
      } catch (err) {
        process.send!({ id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply);
      }
    })();
  });
  process.send!({ ready: true });
}

// ---------------------------------------------------------------------------------------------
// Role: sink — an SMTP server on 127.0.0.1 that counts received mails (no parsing)

async function sinkRole(): Promise<void> {
  const { SMTPServer } = await import('smtp-server');
  let count = 0;
  let bytes = 0;
  let errors = 0;
  let waiters: Array<{ target: number; resolve: () => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, cb) {
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      stream.on('end', () => {
        count++;
        cb();
        if (waiters.length && waiters.some((w) => count >= w.target)) {
          const due = waiters.filter((w) => count >= w.target);
          waiters = waiters.filter((w) => count < w.target);
          for (const w of due) w.resolve();
        }
      });
    },
  });
  server.on('error', () => {
    errors++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  serveParent(
    {
      port: () => port,
      count: () => ({ count, bytes, errors }),
      stats: () => procStats(),
      /** Answers once `target` mails have been received, or at the timeout. */
      waitFor: ({ target, timeoutMs }: { target: number; timeoutMs: number }) =>
        new Promise((resolve) => {
          if (count >= target) return resolve({ reached: true, count });
          const w = {
            target,
            resolve: () => {
              clearTimeout(timer);
              resolve({ reached: true, count });
            },
          };
          const timer = setTimeout(() => {
            waiters = waiters.filter((x) => x !== w);
            resolve({ reached: false, count });
          }, timeoutMs);
          waiters.push(w);
        }),
    },
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
}

// ---------------------------------------------------------------------------------------------
// SQL tracing (BENCH_TRACE_SQL=1): statements by kind, and how busy the database connection is

interface SqlSnapshot {
  ms: number;
  /** Statements by their first words, with how many and the mean ms from sent to answered. */
  statements: Record<string, { n: number; meanMs: number }>;
  total: number;
  acquisitions: number;
  /** Mean and total ms spent waiting for a pooled connection. */
  waitMeanMs: number;
  waitTotalMs: number;
  /** Mean number of connections checked out over the wall time (SQLite has one: 1 = always busy). */
  heldShare: number;
}

interface SqlTrace {
  snapshot(): SqlSnapshot;
  reset(): void;
}

function traceSql(knex: { client: any }): SqlTrace {
  const client = knex.client;
  let since = performance.now();
  let statements = new Map<string, { n: number; ms: number; timed: number }>();
  const started = new Map<string, { key: string; t: number }>();
  const requested = new Map<number, number>();
  const heldSince = new Map<unknown, number>();
  let acquisitions = 0;
  let waitTotal = 0;
  let heldTotal = 0;
  // "select connections", "update deliveries returning" (a claim), "BEGIN;", …
  const keyOf = (sql: string) => {
    const text = sql.replace(/\s+/g, ' ').trim();
    const verb = text.split(' ')[0]!.toLowerCase();
    const table = /\b(?:from|into|update)\s+[`"]?(\w+)/i.exec(text)?.[1];
    return table ? `${verb} ${table}${/\breturning\b/i.test(text) && verb !== 'insert' ? ' returning' : ''}` : text.slice(0, 24);
  };
  client.on('query', (q: { sql: string; __knexQueryUid?: string }) => {
    const key = keyOf(String(q.sql));
    const st = statements.get(key) ?? { n: 0, ms: 0, timed: 0 };
    st.n++;
    statements.set(key, st);
    if (q.__knexQueryUid) started.set(q.__knexQueryUid, { key, t: performance.now() });
  });
  const done = (_r: unknown, q: { __knexQueryUid?: string }) => {
    const s = q?.__knexQueryUid ? started.get(q.__knexQueryUid) : undefined;
    if (!s) return;
    started.delete(q.__knexQueryUid!);
    const st = statements.get(s.key);
    if (st) {
      st.ms += performance.now() - s.t;
      st.timed++;
    }
  };
  client.on('query-response', done);
  client.on('query-error', (_e: unknown, q: { __knexQueryUid?: string }) => done(undefined, q));
  const pool = client.pool;
  pool?.on('acquireRequest', (id: number) => requested.set(id, performance.now()));
  pool?.on('acquireSuccess', (id: number, resource: unknown) => {
    const now = performance.now();
    const t = requested.get(id);
    requested.delete(id);
    if (t !== undefined) waitTotal += now - t;
    acquisitions++;
    heldSince.set(resource, now);
  });
  pool?.on('release', (resource: unknown) => {
    const t = heldSince.get(resource);
    heldSince.delete(resource);
    if (t !== undefined) heldTotal += performance.now() - Math.max(t, since);
  });
  return {
    snapshot() {
      const now = performance.now();
      let held = heldTotal;
      for (const t of heldSince.values()) held += now - Math.max(t, since);
      const out: SqlSnapshot['statements'] = {};
      let total = 0;
      for (const [k, v] of [...statements].sort((a, b) => b[1].n - a[1].n)) {
        out[k] = { n: v.n, meanMs: v.timed ? round(v.ms / v.timed, 3) : NaN };
        total += v.n;
      }
      return { ms: now - since, statements: out, total, acquisitions, waitMeanMs: acquisitions ? round(waitTotal / acquisitions, 3) : 0, waitTotalMs: round(waitTotal, 1), heldShare: round(held / (now - since), 3) };
    },
    reset() {
      since = performance.now();
      statements = new Map();
      acquisitions = 0;
      waitTotal = 0;
      heldTotal = 0;
    },
  };
}

/** The text part Envoi makes from an HTML body (actions/message.ts), or none if that is not available. */
async function htmlAlternative(html: string): Promise<string | undefined> {
  try {
    const m = (await import('../actions/message.js')) as { textFromHtml?: (h: string) => string };
    return m.textFromHtml?.(html);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Role: sut — Envoi, raw nodemailer or a bare express route, one per process

async function sutRole(): Promise<void> {
  const [{ loadConfig, parsePortList }, { createLogger }, { startServer }, { Worker }, { createEnvoi }, nodemailerMod, expressMod] = await Promise.all([
    import('../connector/config.js'),
    import('../connector/log.js'),
    import('../server/start.js'),
    import('../connector/delivery/worker.js'),
    import('../connector/envoi.js'),
    import('nodemailer'),
    import('express'),
  ]);
  const nodemailer = nodemailerMod.default;
  const express = expressMod.default;
  const logger = createLogger({ level: 'error' });
  const cleanups: Array<() => Promise<void> | void> = [];

  const makeConfig = (dataDir: string, databaseUrl: string | undefined) =>
    loadConfig(
      { ENVOI_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
      { port: 0, adminKey: ADMIN_KEY, allowPrivateHosts: true, allowedPorts: parsePortList('1-65535'), pollMs: 20 },
    );

  let running: Awaited<ReturnType<typeof startServer>> | undefined;
  let trace: SqlTrace | undefined;

  const mem = () => {
    const m = process.memoryUsage();
    return { rssMB: MB(m.rss), heapUsedMB: MB(m.heapUsed), heapTotalMB: MB(m.heapTotal), externalMB: MB(m.external) };
  };

  serveParent(
    {
      stats: () => procStats(),
      sql: ({ reset }: { reset?: boolean } = {}) => {
        const out = trace?.snapshot() ?? null;
        if (reset) trace?.reset();
        return out;
      },

      /** Envoi's server with (or without) its in-process worker, on a fresh data dir. */
      envoi: async ({ dataDir, databaseUrl, worker }: { dataDir: string; databaseUrl?: string; worker: boolean }) => {
        running = await startServer(makeConfig(dataDir, databaseUrl), { logger, worker });
        cleanups.push(() => running!.close());
        if (TRACE_SQL) trace = traceSql(running.envoi.db.knex);
        return { url: running.url };
      },

      /** Starts a worker in the Envoi of this process (built as createEnvoi builds its own). */
      startWorker: () => {
        const envoi = running!.envoi;
        const w = new Worker({ store: envoi.deliveries, outbox: envoi.outbox, connections: envoi.connections, mailer: envoi.mailer, rateLimits: envoi.rateLimits, logger, config: envoi.config });
        w.start();
        cleanups.unshift(() => w.stop(5000));
        return true;
      },

      /** `app.post('/x', express.json(), …)` and nothing else. */
      express: async () => {
        const app = express();
        app.post('/x', express.json(), (_req, res) => {
          res.status(202).json({ ok: true });
        });
        const server = http.createServer(app);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
        cleanups.push(
          () =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        );
        return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      },

      /** Sends n mails straight to the sink with nodemailer: one pool, or a new transport per mail. */
      raw: async ({ mode, kind, n, concurrency, port, budgetMs }: { mode: 'pool' | 'new'; kind: Kind; n: number; concurrency: number; port: number; budgetMs: number }) => {
        const mail: Record<string, unknown> = { from: FROM, replyTo: FROM, ...mailInput(kind) };
        // Envoi adds a plain-text part made from the HTML; the baseline sends that same part
        // (made once here, so the conversion stays a cost of Envoi's alone).
        if (kind === 'html') mail.text = await htmlAlternative(BODIES.html);
        const deadline = performance.now() + budgetMs;
        const started = performance.now();
        if (mode === 'pool') {
          const t = nodemailer.createTransport({ pool: true, maxConnections: 5, host: '127.0.0.1', port, secure: false, ignoreTLS: true });
          try {
            const r = await closedLoop(n, concurrency, deadline, async () => {
              await t.sendMail(mail);
            });
            return { ...r, ms: performance.now() - started };
          } finally {
            t.close();
          }
        }
        const r = await closedLoop(n, concurrency, deadline, async () => {
          const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
          try {
            await t.sendMail(mail);
          } finally {
            t.close();
          }
        });
        return { ...r, ms: performance.now() - started };
      },

      /**
       * Figure 5: queue `total` deliveries with no worker running, then start one and sample this
       * process's memory while it drains for `drainSeconds`.
       */
      memory: async ({ dataDir, databaseUrl, sinkPort, total, batch, budgetMs, drainSeconds }: { dataDir: string; databaseUrl?: string; sinkPort: number; total: number; batch: number; budgetMs: number; drainSeconds: number }) => {
        const config = makeConfig(dataDir, databaseUrl);
        const envoi = await createEnvoi(config, { logger, worker: false });
        let closed = false;
        const close = async () => {
          if (!closed) {
            closed = true;
            await envoi.close();
          }
        };
        cleanups.push(close);
        await envoi.connections.create('platform', { name: 'sink', senderEmail: FROM, host: '127.0.0.1', port: sinkPort, authMethod: 'NONE', isDefault: true, pool: { maxConnections: 5 } });
        const conn = await envoi.connections.resolveForSend('platform');
        const mail = envoi.mailer.envelopeFor(conn, mailInput('text'));
        gc();
        const empty = mem();

        const q0 = performance.now();
        let queued = 0;
        while (queued < total && performance.now() - q0 < budgetMs) {
          const k = Math.min(batch, total - queued);
          await Promise.all(Array.from({ length: k }, () => envoi.outbox.enqueue({ scope: 'platform', connection: conn, action: 'send-email', mail, maxAttempts: 8 })));
          queued += k;
        }
        const queueMs = performance.now() - q0;
        gc();
        await sleep(100);
        gc();
        const idle = mem();
        const countsBefore = await envoi.deliveries.counts();

        let attempts = 0;
        envoi.outbox.events.on('attempt', () => attempts++);
        const worker = new Worker({ store: envoi.deliveries, outbox: envoi.outbox, connections: envoi.connections, mailer: envoi.mailer, rateLimits: envoi.rateLimits, logger, config });
        const samples: Array<{ t: number; rssMB: number; heapUsedMB: number; attempts: number }> = [];
        const d0 = performance.now();
        worker.start();
        const sampleEvery = 250;
        for (let i = 1; i <= Math.round((drainSeconds * 1000) / sampleEvery); i++) {
          await sleep(Math.max(0, d0 + i * sampleEvery - performance.now()));
          const m = mem();
          samples.push({ t: Math.round(performance.now() - d0), rssMB: m.rssMB, heapUsedMB: m.heapUsedMB, attempts });
        }
        const drainMs = performance.now() - d0;
        const drained = attempts;
        await worker.stop(5000);
        gc();
        const afterStop = mem();
        const countsAfter = await envoi.deliveries.counts();
        let dbBytes = 0;
        if (envoi.db.dialect === 'postgres') {
          const res = (await envoi.db.knex.raw('select pg_database_size(current_database()) as n')) as { rows: Array<{ n: string }> };
          dbBytes = Number(res.rows[0]?.n ?? 0);
        }
        await close();
        for (const f of ['envoi.sqlite', 'envoi.sqlite-wal']) {
          try {
            dbBytes += fs.statSync(path.join(dataDir, f)).size;
          } catch {
            /* PostgreSQL, or no WAL file */
          }
        }
        return { queued, queueMs, empty, idle, samples, drained, drainMs, afterStop, countsBefore, countsAfter, dbMB: MB(dbBytes) };
      },
    },
    async () => {
      for (const c of cleanups) await c();
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Main: the HTTP client

function post(agent: http.Agent, url: string, pathName: string, body: Buffer): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: u.hostname, port: u.port, path: pathName, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: AUTH } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('HTTP request timed out after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const executeBody = (kind: Kind) => Buffer.from(JSON.stringify({ input: mailInput(kind) }));

async function createConnection(url: string, sinkPort: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  const body = Buffer.from(JSON.stringify({ name: 'sink', senderEmail: FROM, host: '127.0.0.1', port: sinkPort, authMethod: 'NONE', isDefault: true, pool: { maxConnections: 5 } }));
  const r = await post(agent, url, '/api/v1/scopes/platform/connections', body);
  agent.destroy();
  if (r.status !== 201) throw new Error(`creating the connection answered ${r.status}: ${r.body}`);
}

/** Sends n execute requests, `concurrency` in flight; each must answer 202. */
async function executeMany(agent: http.Agent, url: string, kind: Kind, n: number, concurrency: number, deadline: number) {
  const body = executeBody(kind);
  return closedLoop(n, concurrency, deadline, async () => {
    const r = await post(agent, url, EXECUTE_PATH, body);
    if (r.status !== 202) throw new Error(`execute answered ${r.status}: ${r.body.slice(0, 300)}`);
  });
}

// ---------------------------------------------------------------------------------------------
// Figures 1-3: throughput, done when the sink has the mail

interface Throughput {
  system: 'raw-pool' | 'raw-new' | 'raw-new-serial' | 'envoi' | 'envoi-ingest' | 'envoi-drain';
  kind: Kind;
  mails: number;
  delivered: number;
  seconds: number;
  mailsPerSec: number;
  complete: boolean;
  failed: number;
  firstError?: string;
  /** Envoi: when the last execute request was answered (202). */
  acceptedSeconds?: number;
  /** CPU time per mail in each process, ms. */
  cpuMsPerMail: { sut: number; sink: number; client: number };
  /** Event-loop utilization of the system under test during the run (1 = never idle). */
  sutElu: number;
  /** Mean size of a message as the sink received it (bytes after DATA), to show both sides sent the same. */
  mimeBytes?: number;
  /** With BENCH_TRACE_SQL=1, Envoi's database use during the run. */
  sql?: SqlSnapshot;
}

async function measure(
  sink: Child,
  sut: Child,
  system: Throughput['system'],
  kind: Kind,
  n: number,
  send: (deadline: number) => Promise<{ ok: number; failed: number; firstError?: string; acceptedSeconds?: number }>,
): Promise<Throughput> {
  const before = await sink.call<{ count: number; bytes: number }>('count');
  const base = before.count;
  if (TRACE_SQL) await sut.call('sql', { reset: true });
  const [sut0, sink0] = await Promise.all([sut.stats(), sink.stats()]);
  const main0 = procStats();
  const t0 = performance.now();
  const deadline = t0 + S.caseBudgetMs;
  const arrived = sink.call<{ reached: boolean; count: number }>('waitFor', { target: base + n, timeoutMs: S.caseBudgetMs + 30_000 }, S.caseBudgetMs + 40_000);
  arrived.catch(() => {});
  const sent = await send(deadline);
  // Everything the sender could not hand over will never arrive: wait only for what it did.
  const got = sent.ok === n ? await arrived : await sink.call<{ reached: boolean; count: number }>('waitFor', { target: base + sent.ok, timeoutMs: 30_000 }, 40_000);
  const t1 = performance.now();
  const main1 = procStats();
  const [sut1, sink1] = await Promise.all([sut.stats(), sink.stats()]);
  const sql = TRACE_SQL ? await sut.call<SqlSnapshot | null>('sql') : null;
  const after = await sink.call<{ count: number; bytes: number }>('count');
  const delivered = got.count - base;
  const seconds = (t1 - t0) / 1000;
  const per = Math.max(1, delivered);
  return {
    system,
    kind,
    mails: n,
    delivered,
    seconds: round(seconds, 3),
    mailsPerSec: round(delivered / seconds, 1),
    complete: delivered >= n && sent.failed === 0,
    failed: sent.failed,
    ...(sent.firstError ? { firstError: sent.firstError } : {}),
    ...(sent.acceptedSeconds !== undefined ? { acceptedSeconds: round(sent.acceptedSeconds, 3) } : {}),
    cpuMsPerMail: { sut: round(cpuMs(sut0, sut1) / per, 3), sink: round(cpuMs(sink0, sink1) / per, 3), client: round(cpuMs(main0, main1) / per, 3) },
    sutElu: round(eluOf(sut0, sut1), 2),
    mimeBytes: after.count > before.count ? Math.round((after.bytes - before.bytes) / (after.count - before.count)) : 0,
    ...(sql ? { sql } : {}),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-bench-'));
  tempDirs.push(dir);
  return dir;
}
const tempDirs: string[] = [];

// With DATABASE_URL (PostgreSQL), each Envoi process gets a throw-away database on that server,
// created through DATABASE_URL and dropped at the end; without, SQLite in a fresh temp dir.
const BASE_DB_URL = process.env.DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
const createdDbs: string[] = [];

async function pgAdmin<T>(fn: (c: { query(sql: string): Promise<unknown> }) => Promise<T>): Promise<T> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: BASE_DB_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

async function freshDatabase(): Promise<string | undefined> {
  if (!BASE_DB_URL) return undefined;
  const name = `envoi_bench_${process.pid}_${createdDbs.length + 1}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  createdDbs.push(name);
  const u = new URL(BASE_DB_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabases(): Promise<void> {
  if (!createdDbs.length) return;
  await pgAdmin(async (c) => {
    for (const name of createdDbs.splice(0)) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err) => console.error(`could not drop ${name}: ${err}`));
  }).catch((err) => console.error(`could not drop the bench databases: ${err}`));
}

/**
 * Reference for baseline B: a new transport per mail, one mail at a time, as a workflow step that
 * sends and waits for its mail does. Not a goal of the issue; shown next to it.
 */
async function serialCase(sink: Child, sinkPort: number, kind: Kind): Promise<Throughput> {
  const sut = await Child.spawn('sut');
  try {
    const wBase = (await sink.call<{ count: number }>('count')).count;
    await sut.call('raw', { mode: 'new', kind, n: 5, concurrency: 1, port: sinkPort, budgetMs: 30_000 }, 60_000);
    await sink.call('waitFor', { target: wBase + 5, timeoutMs: 10_000 }, 20_000);
    return await measure(sink, sut, 'raw-new-serial', kind, S.serialMails, (deadline) =>
      sut.call('raw', { mode: 'new', kind, n: S.serialMails, concurrency: 1, port: sinkPort, budgetMs: deadline - performance.now() }, S.caseBudgetMs + 30_000),
    );
  } finally {
    await sut.stop();
  }
}

async function rawCase(sink: Child, sinkPort: number, mode: 'pool' | 'new', kind: Kind): Promise<Throughput> {
  const sut = await Child.spawn('sut');
  try {
    const warm = mode === 'pool' ? S.warmup : Math.min(S.warmup, 64);
    const wBase = (await sink.call<{ count: number }>('count')).count;
    await sut.call('raw', { mode, kind, n: warm, concurrency: S.concurrency, port: sinkPort, budgetMs: 30_000 }, 60_000);
    await sink.call('waitFor', { target: wBase + warm, timeoutMs: 10_000 }, 20_000);
    return await measure(sink, sut, mode === 'pool' ? 'raw-pool' : 'raw-new', kind, S.mails, (deadline) =>
      sut.call('raw', { mode, kind, n: S.mails, concurrency: S.concurrency, port: sinkPort, budgetMs: deadline - performance.now() }, S.caseBudgetMs + 30_000),
    );
  } finally {
    await sut.stop();
  }
}

/** Starts an Envoi process on a fresh database with the sink as its default connection. */
async function startEnvoi(sinkPort: number, worker: boolean): Promise<{ sut: Child; url: string }> {
  const sut = await Child.spawn('sut');
  try {
    const { url } = await sut.call<{ url: string }>('envoi', { dataDir: tempDir(), databaseUrl: await freshDatabase(), worker });
    await createConnection(url, sinkPort);
    return { sut, url };
  } catch (err) {
    await sut.stop();
    throw err;
  }
}

async function envoiCase(sink: Child, sinkPort: number, kind: Kind): Promise<Throughput> {
  const { sut, url } = await startEnvoi(sinkPort, true);
  const agent = new http.Agent({ keepAlive: true, maxSockets: S.concurrency });
  try {
    const wBase = (await sink.call<{ count: number }>('count')).count;
    await executeMany(agent, url, kind, S.warmup, S.concurrency, performance.now() + 30_000);
    await sink.call('waitFor', { target: wBase + S.warmup, timeoutMs: 30_000 }, 40_000);
    return await measure(sink, sut, 'envoi', kind, S.mails, async (deadline) => {
      const t0 = performance.now();
      const r = await executeMany(agent, url, kind, S.mails, S.concurrency, deadline);
      return { ...r, acceptedSeconds: (performance.now() - t0) / 1000 };
    });
  } finally {
    agent.destroy();
    await sut.stop();
  }
}

/** Diagnostics: the two halves of Envoi's pipeline apart — HTTP execute with no worker, then a worker draining what was queued. */
async function envoiHalves(sink: Child, sinkPort: number): Promise<Throughput[]> {
  const { sut, url } = await startEnvoi(sinkPort, false);
  const agent = new http.Agent({ keepAlive: true, maxSockets: S.concurrency });
  try {
    await executeMany(agent, url, 'text', S.warmup, S.concurrency, performance.now() + 30_000);
    if (TRACE_SQL) await sut.call('sql', { reset: true });
    const [sut0, sink0] = await Promise.all([sut.stats(), sink.stats()]);
    const main0 = procStats();
    const t0 = performance.now();
    const r = await executeMany(agent, url, 'text', S.mails, S.concurrency, t0 + S.caseBudgetMs);
    const t1 = performance.now();
    const main1 = procStats();
    const [sut1, sink1] = await Promise.all([sut.stats(), sink.stats()]);
    const sql = TRACE_SQL ? await sut.call<SqlSnapshot | null>('sql') : null;
    const per = Math.max(1, r.ok);
    const ingest: Throughput = {
      system: 'envoi-ingest',
      kind: 'text',
      mails: S.mails,
      delivered: r.ok,
      seconds: round((t1 - t0) / 1000, 3),
      mailsPerSec: round(r.ok / ((t1 - t0) / 1000), 1),
      complete: r.ok === S.mails,
      failed: r.failed,
      ...(r.firstError ? { firstError: r.firstError } : {}),
      cpuMsPerMail: { sut: round(cpuMs(sut0, sut1) / per, 3), sink: round(cpuMs(sink0, sink1) / per, 3), client: round(cpuMs(main0, main1) / per, 3) },
      sutElu: round(eluOf(sut0, sut1), 2),
      ...(sql ? { sql } : {}),
    };
    // Everything queued (warm-up included) is now drained by a worker started on its own.
    const queued = S.warmup + r.ok;
    const drain = await measure(sink, sut, 'envoi-drain', 'text', queued, async () => {
      await sut.call('startWorker');
      return { ok: queued, failed: 0 };
    });
    return [ingest, drain];
  } finally {
    agent.destroy();
    await sut.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Figure 4: latency at a fixed request rate (open loop)

type LatencyTarget = 'envoi' | 'envoi-no-worker' | 'express';
const LATENCY_NAME: Record<LatencyTarget, string> = {
  express: 'bare express POST /x',
  envoi: 'Envoi POST .../send-email/execute',
  'envoi-no-worker': 'same, worker off (diagnostic)',
};

interface Latency {
  target: LatencyTarget;
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  achievedRate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How late the client sent requests against the schedule, p99 (ms): near 0 means the pacing held. */
  sendLagP99: number;
  sutElu: number;
}

/**
 * Sends requests on a fixed schedule (i-th at t0 + i/rate) whatever the answers do, and times
 * each from the moment it was sent to the end of its answer.
 */
async function openLoop(url: string, pathName: string, body: Buffer, rate: number, seconds: number): Promise<{ sent: number; ok: number; errors: number; lat: number[]; lags: number[]; ms: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const interval = 1000 / rate;
  const total = Math.round(rate * seconds);
  const lat: number[] = [];
  const lags: number[] = [];
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let outstanding = 0;
  const t0 = performance.now() + 5;
  await new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(hard);
      resolve();
    };
    const maybeDone = () => {
      if (sent >= total && outstanding === 0) finish();
    };
    const timer = setInterval(() => {
      let now = performance.now();
      while (sent < total && t0 + sent * interval <= now) {
        lags.push(now - (t0 + sent * interval));
        sent++;
        outstanding++;
        const start = performance.now();
        post(agent, url, pathName, body).then(
          (r) => {
            if (r.status === 202) {
              ok++;
              lat.push(performance.now() - start);
            } else errors++;
          },
          () => errors++,
        ).finally(() => {
          outstanding--;
          maybeDone();
        });
        now = performance.now();
      }
      if (sent >= total) clearInterval(timer);
    }, 1);
    const hard = setTimeout(() => {
      errors += outstanding;
      finish();
    }, seconds * 1000 + 20_000);
  });
  const ms = performance.now() - t0;
  agent.destroy();
  return { sent, ok, errors, lat, lags, ms };
}

async function latencyCase(target: LatencyTarget, sink: Child, sinkPort: number, rate = S.rate): Promise<Latency> {
  const body = executeBody('text');
  let sut: Child;
  let url: string;
  let pathName: string;
  if (target !== 'express') {
    ({ sut, url } = await startEnvoi(sinkPort, target === 'envoi'));
    pathName = EXECUTE_PATH;
  } else {
    sut = await Child.spawn('sut');
    ({ url } = await sut.call<{ url: string }>('express'));
    pathName = '/x';
  }
  try {
    const base = (await sink.call<{ count: number }>('count')).count;
    const warm = await openLoop(url, pathName, body, rate, S.rateWarmupSeconds);
    const s0 = await sut.stats();
    const r = await openLoop(url, pathName, body, rate, S.rateSeconds);
    const s1 = await sut.stats();
    if (target === 'envoi') {
      // Let the worker deliver what was queued before the process is stopped.
      await sink.call('waitFor', { target: base + warm.ok + r.ok, timeoutMs: 30_000 }, 40_000);
    }
    const lat = r.lat.sort((a, b) => a - b);
    const lags = r.lags.sort((a, b) => a - b);
    return {
      target,
      rate,
      seconds: S.rateSeconds,
      sent: r.sent,
      ok: r.ok,
      errors: r.errors,
      achievedRate: round(r.sent / (r.ms / 1000), 1),
      p50: round(percentile(lat, 50), 2),
      p90: round(percentile(lat, 90), 2),
      p99: round(percentile(lat, 99), 2),
      max: round(lat.at(-1) ?? NaN, 2),
      sendLagP99: round(percentile(lags, 99), 2),
      sutElu: round(eluOf(s0, s1), 2),
    };
  } finally {
    await sut.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Figure 5: memory of a worker with a long queue

interface MemoryResult {
  queued: number;
  queueSeconds: number;
  queuePerSec: number;
  dbMB: number;
  empty: { rssMB: number; heapUsedMB: number };
  idle: { rssMB: number; heapUsedMB: number };
  draining: { rssMaxMB: number; rssLastMB: number; heapUsedMaxMB: number; heapUsedMeanMB: number; heapUsedLastMB: number; rssFirstSecondMB: number; rssLastSecondMB: number };
  drained: number;
  drainSeconds: number;
  drainPerSec: number;
  afterStop: { rssMB: number; heapUsedMB: number };
  samples: Array<{ t: number; rssMB: number; heapUsedMB: number; attempts: number }>;
}

async function memoryCase(sink: Child, sinkPort: number, budgetMs: number): Promise<MemoryResult> {
  const sut = await Child.spawn('sut');
  try {
    type R = {
      queued: number;
      queueMs: number;
      empty: { rssMB: number; heapUsedMB: number };
      idle: { rssMB: number; heapUsedMB: number };
      samples: MemoryResult['samples'];
      drained: number;
      drainMs: number;
      afterStop: { rssMB: number; heapUsedMB: number };
      dbMB: number;
    };
    const r = await sut.call<R>('memory', { dataDir: tempDir(), databaseUrl: await freshDatabase(), sinkPort, total: S.queue, batch: S.enqueueBatch, budgetMs, drainSeconds: S.drainSeconds }, budgetMs + S.drainSeconds * 1000 + 60_000);
    const s = r.samples;
    const heap = s.map((x) => x.heapUsedMB);
    const firstSec = s.filter((x) => x.t <= 1000);
    const lastSec = s.filter((x) => x.t > r.drainMs - 1000);
    const avg = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : NaN);
    return {
      queued: r.queued,
      queueSeconds: round(r.queueMs / 1000, 2),
      queuePerSec: round(r.queued / (r.queueMs / 1000), 0),
      dbMB: r.dbMB,
      empty: { rssMB: r.empty.rssMB, heapUsedMB: r.empty.heapUsedMB },
      idle: { rssMB: r.idle.rssMB, heapUsedMB: r.idle.heapUsedMB },
      draining: {
        rssMaxMB: Math.max(...s.map((x) => x.rssMB)),
        rssLastMB: s.at(-1)?.rssMB ?? NaN,
        heapUsedMaxMB: Math.max(...heap),
        heapUsedMeanMB: avg(heap),
        heapUsedLastMB: s.at(-1)?.heapUsedMB ?? NaN,
        rssFirstSecondMB: avg(firstSec.map((x) => x.rssMB)),
        rssLastSecondMB: avg(lastSec.map((x) => x.rssMB)),
      },
      drained: r.drained,
      drainSeconds: round(r.drainMs / 1000, 2),
      drainPerSec: round(r.drained / (r.drainMs / 1000), 1),
      afterStop: { rssMB: r.afterStop.rssMB, heapUsedMB: r.afterStop.heapUsedMB },
      samples: s,
    };
  } finally {
    await sut.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function table(head: string[], rows: Array<Array<string | number>>, right = new Set<number>()): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(r.map(String)))].join('\n');
}

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** The commit measured, with "+changes" when tracked files differ from it (read-only git calls). */
function gitCommit(): string {
  try {
    const cwd = path.resolve(path.dirname(SELF), '../..');
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

function machine() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    /* not Linux */
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    memGB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    database: BASE_DB_URL ? 'postgresql (a fresh database per Envoi process)' : 'sqlite (a fresh file per Envoi process)',
    commit: process.env.BENCH_COMMIT || gitCommit(),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const watchdog = setTimeout(() => {
    console.error(`bench: watchdog fired after ${WATCHDOG_MS} ms; stopping`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();

  const m = machine();
  const log = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
  console.log(`Envoi benchmark: ${m.cpus} CPUs (${m.cpuModel}), ${m.memGB} GB RAM, Node ${m.node}, ${m.platform}`);
  console.log(`Database ${m.database}; Envoi commit ${m.commit}`);
  console.log(`Settings: ${JSON.stringify(S)}`);
  console.log(`Node options of every measured process (Envoi's and the baselines'): ${SUT_ARGS.join(' ') || 'none'}`);
  const loadStart = os.loadavg()[0]!;
  console.log(`Load average (1 min) at start: ${loadStart.toFixed(2)}${loadStart > 0.7 ? '  <- other work is running on this machine: the figures will be low and noisy' : ''}`);

  const sink = await Child.spawn('sink');
  const sinkPort = await sink.call<number>('port');
  const throughput: Throughput[] = [];
  const latency: Latency[] = [];
  let diagnostics: Throughput[] = [];
  let memory: MemoryResult | undefined;
  try {
    for (const kind of ['text', 'html'] as const) {
      if (ONLY.has('raw')) {
        log(`${LABEL[kind]}: raw nodemailer, pooled`);
        throughput.push(await rawCase(sink, sinkPort, 'pool', kind));
        log(`${LABEL[kind]}: raw nodemailer, new transport per mail`);
        throughput.push(await rawCase(sink, sinkPort, 'new', kind));
        log(`${LABEL[kind]}: raw nodemailer, new transport per mail, one at a time (reference)`);
        throughput.push(await serialCase(sink, sinkPort, kind));
      }
      if (ONLY.has('envoi')) {
        log(`${LABEL[kind]}: Envoi end to end`);
        throughput.push(await envoiCase(sink, sinkPort, kind));
      }
    }
    if (ONLY.has('halves')) {
      log('diagnostics: Envoi ingest alone, then worker drain alone');
      diagnostics = await envoiHalves(sink, sinkPort);
    }
    if (ONLY.has('latency')) {
      log(`latency at ${S.rate} req/s: bare express`);
      latency.push(await latencyCase('express', sink, sinkPort));
      log(`latency at ${S.rate} req/s: Envoi execute`);
      latency.push(await latencyCase('envoi', sink, sinkPort));
      if (S.rateLow > 0) {
        log(`latency at ${S.rateLow} req/s: Envoi execute (diagnostic)`);
        latency.push(await latencyCase('envoi', sink, sinkPort, S.rateLow));
      }
      log(`latency at ${S.rate} req/s: Envoi execute with no worker running (diagnostic)`);
      latency.push(await latencyCase('envoi-no-worker', sink, sinkPort));
    }
    if (ONLY.has('memory')) {
      log(`memory: queue ${S.queue} with no worker, then drain for ${S.drainSeconds} s`);
      // Queue for at most queueBudgetMs, and less if the run would otherwise pass its budget.
      const left = RUN_BUDGET_MS - (performance.now() - started) - S.drainSeconds * 1000 - 15_000;
      memory = await memoryCase(sink, sinkPort, Math.max(10_000, Math.min(S.queueBudgetMs, left)));
    }
  } finally {
    await sink.stop();
    await dropDatabases();
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  }

  // Report
  const get = (system: Throughput['system'], kind: Kind) => throughput.find((t) => t.system === system && t.kind === kind);
  const NAME: Record<Throughput['system'], string> = {
    'raw-pool': 'raw nodemailer, pool of 5 (baseline A)',
    'raw-new': 'new transport per mail (baseline B)',
    'raw-new-serial': 'new transport per mail, 1 at a time (ref.)',
    envoi: 'Envoi: HTTP execute -> outbox -> worker',
    'envoi-ingest': 'Envoi HTTP execute only (no worker)',
    'envoi-drain': 'Envoi worker drain only (queue filled)',
  };
  const tpRow = (t: Throughput) => [
    LABEL[t.kind],
    NAME[t.system],
    t.complete ? String(t.delivered) : `${t.delivered}/${t.mails}!`,
    fmt(t.seconds, 2),
    fmt(t.mailsPerSec, 0),
    t.mimeBytes ? String(t.mimeBytes) : '-',
    fmt(t.cpuMsPerMail.sut, 2),
    fmt(t.cpuMsPerMail.sink, 2),
    fmt(t.cpuMsPerMail.client, 2),
    fmt(t.sutElu, 2),
  ];
  const tpHead = ['mail', 'system', 'mails', 'seconds', 'mails/s', 'MIME bytes', 'cpu ms/mail sut', 'sink', 'client', 'sut ELU'];
  const tpRight = new Set([2, 3, 4, 5, 6, 7, 8, 9]);

  if (throughput.length) console.log(`\n1-3. Throughput: ${S.mails} mails per case, ${S.concurrency} requests in flight, a mail counts when the sink has received it`);
  if (throughput.length) console.log(table(tpHead, throughput.map(tpRow), tpRight));
  for (const t of throughput.filter((x) => x.acceptedSeconds !== undefined)) {
    console.log(`   Envoi ${LABEL[t.kind]}: all ${t.mails} execute requests answered 202 after ${fmt(t.acceptedSeconds!, 2)} s (${fmt(t.mails / t.acceptedSeconds!, 0)} req/s); the sink had them all after ${fmt(t.seconds, 2)} s`);
  }
  for (const t of [...throughput, ...diagnostics].filter((x) => x.firstError)) console.log(`   ! ${NAME[t.system]} ${LABEL[t.kind]}: ${t.failed} failed, first: ${t.firstError}`);

  const ratios = (['text', 'html'] as const).flatMap((kind) => {
    const e = get('envoi', kind);
    const a = get('raw-pool', kind);
    const b = get('raw-new', kind);
    if (!e || !a || !b) return [];
    const serial = get('raw-new-serial', kind);
    return [{ kind, envoiPerSec: e.mailsPerSec, vsRawPoolPct: round((100 * e.mailsPerSec) / a.mailsPerSec, 1), vsNewTransportX: round(e.mailsPerSec / b.mailsPerSec, 2), ...(serial ? { vsOneAtATimeX: round(e.mailsPerSec / serial.mailsPerSec, 1) } : {}) }];
  });
  if (ratios.length) console.log('\nRatios (goals: Envoi >= 60% of raw pooled nodemailer, >= 10x a new transport per mail)');
  if (ratios.length) console.log(
    table(
      ['mail', 'Envoi mails/s', 'Envoi / raw pool', 'goal 60%', 'Envoi / new transport', 'goal 10x', 'Envoi / one at a time (ref.)'],
      ratios.map((r) => [LABEL[r.kind], fmt(r.envoiPerSec, 0), `${fmt(r.vsRawPoolPct, 1)}%`, r.vsRawPoolPct >= 60 ? 'met' : 'NOT met', `${fmt(r.vsNewTransportX, 2)}x`, r.vsNewTransportX >= 10 ? 'met' : 'NOT met', r.vsOneAtATimeX === undefined ? '-' : `${fmt(r.vsOneAtATimeX, 1)}x`]),
      new Set([1, 2, 4, 6]),
    ),
  );

  if (diagnostics.length) {
    console.log('\nDiagnostics: the two halves of Envoi apart (1 KB text)');
    console.log(table(tpHead, diagnostics.map(tpRow), tpRight));
  }
  const traced = [...throughput, ...diagnostics].filter((t) => t.sql);
  if (traced.length) {
    console.log('\nSQL trace (BENCH_TRACE_SQL=1): statements per mail; conns busy = mean number of pooled database connections checked out (SQLite has 1); wait = mean ms to get one');
    console.log(
      table(
        ['case', 'stmts/mail', 'conns busy', 'wait ms', 'by statement: count per mail x mean ms'],
        traced.map((t) => {
          const q = t.sql!;
          const per = Math.max(1, t.delivered);
          const parts = Object.entries(q.statements).map(([k, v]) => `${k} ${fmt(v.n / per, 2)}x${fmt(v.meanMs, 2)}`);
          return [`${NAME[t.system]} ${LABEL[t.kind]}`, fmt(q.total / per, 1), fmt(q.heldShare, 2), fmt(q.waitMeanMs, 2), parts.join('; ')];
        }),
        new Set([1, 2, 3]),
      ),
    );
  }

  if (latency.length) console.log(`\n4. Latency of one request at a fixed ${S.rate} req/s for ${S.rateSeconds} s (open loop; ms from sending to the end of the answer; req/s = rate achieved)`);
  if (latency.length) console.log(
    table(
      ['route', 'sent', '202s', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'send lag p99', 'sut ELU'],
      latency.map((l) => [`${LATENCY_NAME[l.target]}${l.rate !== S.rate ? ` @ ${l.rate}/s (diagnostic)` : ''}`, l.sent, l.ok, l.errors, fmt(l.achievedRate, 0), fmt(l.p50, 2), fmt(l.p90, 2), fmt(l.p99, 2), fmt(l.max, 1), fmt(l.sendLagP99, 2), fmt(l.sutElu, 2)]),
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ),
  );

  if (memory) {
    const mm = memory;
    console.log(`\n5. Worker memory with a long queue (one process: Envoi without HTTP; RSS / heapUsed in MB)`);
    console.log(`   Queued ${mm.queued} deliveries with no worker in ${fmt(mm.queueSeconds, 1)} s (${fmt(mm.queuePerSec, 0)}/s, outbox.enqueue in batches of ${S.enqueueBatch}); database ${fmt(mm.dbMB, 0)} MB${mm.queued < S.queue ? ` (cut short of ${S.queue} by the time budget)` : ''}`);
    console.log(
      table(
        ['moment', 'RSS MB', 'heapUsed MB'],
        [
          ['empty queue, before queuing (after GC)', fmt(mm.empty.rssMB), fmt(mm.empty.heapUsedMB)],
          [`${mm.queued} queued, worker not started (after GC)`, fmt(mm.idle.rssMB), fmt(mm.idle.heapUsedMB)],
          [`draining, first second`, fmt(mm.draining.rssFirstSecondMB), ''],
          [`draining, last second`, fmt(mm.draining.rssLastSecondMB), ''],
          [`draining, max over ${fmt(mm.drainSeconds, 0)} s`, fmt(mm.draining.rssMaxMB), fmt(mm.draining.heapUsedMaxMB)],
          [`draining, mean heapUsed`, '', fmt(mm.draining.heapUsedMeanMB)],
          [`worker stopped (after GC)`, fmt(mm.afterStop.rssMB), fmt(mm.afterStop.heapUsedMB)],
        ],
        new Set([1, 2]),
      ),
    );
    console.log(`   The worker sent ${mm.drained} of them in ${fmt(mm.drainSeconds, 1)} s (${fmt(mm.drainPerSec, 0)} mails/s with ${mm.queued - mm.drained}+ still queued).`);
    const pick = mm.samples.filter((_, i) => i % 4 === 3);
    console.log(`   Samples (t s: RSS/heapUsed MB, sent): ${pick.map((x) => `${(x.t / 1000).toFixed(0)}: ${x.rssMB.toFixed(0)}/${x.heapUsedMB.toFixed(0)}, ${x.attempts}`).join(' | ')}`);
  }

  const total = (performance.now() - started) / 1000;
  const loadEnd = os.loadavg()[0]!;
  console.log(`\nTotal time ${fmt(total, 1)} s; load average (1 min) at the end ${loadEnd.toFixed(2)} (this run alone keeps it around 1-2)`);
  const out = { machine: m, settings: S, loadAverage: { start: round(loadStart, 2), end: round(loadEnd, 2) }, throughput, ratios, diagnostics, latency, memory: memory ? { ...memory, samples: undefined } : undefined, totalSeconds: round(total, 1) };
  console.log(`BENCH_JSON ${JSON.stringify(out)}`);
}

// ---------------------------------------------------------------------------------------------

const roleAt = process.argv.indexOf('--role');
const role = roleAt >= 0 ? process.argv[roleAt + 1] : undefined;
if (role === 'sink') await sinkRole();
else if (role === 'sut') await sutRole();
else {
  try {
    await main();
  } catch (err) {
    console.error('bench failed:', err);
    for (const c of children) c.kill('SIGKILL');
    process.exitCode = 1;
  }
}
