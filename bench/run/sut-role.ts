/**
 * Role sut, the system under test, a fresh process per case: Envoi (`startServer`, with or without
 * its in-process worker), raw nodemailer sending straight to the sink, a bare express route, or
 * the floor (an express route in front of pooled nodemailer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import nodemailer from 'nodemailer';
import { loadConfig, parsePortList } from '../../connector/config.js';
import { Worker } from '../../connector/delivery/worker.js';
import { createLogger } from '../../connector/log.js';
import { startServer } from '../../server/start.js';
import { serveParent } from './ipc.js';
import { closedLoop } from './load.js';
import { BODIES, FROM, mailInput, type Kind } from './mails.js';
import { procStats } from './numbers.js';
import { ADMIN_KEY, EXECUTE_PATH, TRACE_SQL } from './settings.js';
import { traceSql, type SqlTrace } from './sql-trace.js';
import { queueAndDrain, type MemoryArgs } from './sut-memory.js';

/** The text part Envoi makes from an HTML body (actions/message.ts), or none if that is not available. */
async function htmlAlternative(html: string): Promise<string | undefined> {
  try {
    const m = (await import('../../actions/message.js')) as { textFromHtml?: (h: string) => string };
    return m.textFromHtml?.(html);
  } catch {
    return undefined;
  }
}

export async function sutRole(): Promise<void> {
  const logger = createLogger({ level: 'error' });
  const cleanups: Array<() => Promise<void> | void> = [];

  const makeConfig = (dataDir: string, databaseUrl: string | undefined) =>
    loadConfig(
      // ENVOI_WORKER_THREAD=off measures the worker on the server's event loop (the default: its own thread).
      { ENVOI_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...(process.env.ENVOI_WORKER_THREAD ? { ENVOI_WORKER_THREAD: process.env.ENVOI_WORKER_THREAD } : {}) },
      { port: 0, adminKey: ADMIN_KEY, allowPrivateHosts: true, allowedPorts: parsePortList('1-65535'), pollMs: 20 },
    );

  /** Serves an express app on a free loopback port until the process is stopped. */
  const listen = async (app: express.Express): Promise<string> => {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  let running: Awaited<ReturnType<typeof startServer>> | undefined;
  let trace: SqlTrace | undefined;

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
        return { url: await listen(app) };
      },

      /**
       * The floor of any HTTP front: Envoi's execute path served by a bare express route that hands
       * each request's input to one pooled nodemailer transport and answers 202 at once. No key, no
       * validation, no outbox, no worker: what raw pooled nodemailer costs with only HTTP added.
       */
      floor: async ({ port, kind }: { port: number; kind: Kind }) => {
        const text = kind === 'html' ? await htmlAlternative(BODIES.html) : undefined;
        const t = nodemailer.createTransport({ pool: true, maxConnections: 5, host: '127.0.0.1', port, secure: false, ignoreTLS: true });
        const app = express();
        app.post(EXECUTE_PATH, express.json({ limit: '5mb' }), (req, res) => {
          const input = (req.body as { input: Record<string, string> }).input;
          t.sendMail({ from: FROM, replyTo: FROM, ...input, ...(text ? { text } : {}) }).catch(() => {});
          res.status(202).json({ ok: true });
        });
        cleanups.push(() => t.close());
        return { url: await listen(app) };
      },

      /** Sends n mails straight to the sink with nodemailer: one pool, or a new transport per mail. */
      raw: async ({ mode, kind, n, concurrency, port, budgetMs, timeEach }: { mode: 'pool' | 'new'; kind: Kind; n: number; concurrency: number; port: number; budgetMs: number; timeEach?: boolean }) => {
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
        // timeEach: the duration of each send, transport made to transport closed (what a workflow step waits for).
        const sendMs: number[] = [];
        const r = await closedLoop(n, concurrency, deadline, async () => {
          const t0 = performance.now();
          const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
          try {
            await t.sendMail(mail);
          } finally {
            t.close();
          }
          if (timeEach) sendMs.push(performance.now() - t0);
        });
        return { ...r, ms: performance.now() - started, ...(timeEach ? { sendMs } : {}) };
      },

      /** Figure 5: a long queue with no worker, then a worker draining it (see sut-memory.ts). */
      memory: (a: MemoryArgs) => queueAndDrain(makeConfig(a.dataDir, a.databaseUrl), logger, cleanups, a),
    },
    async () => {
      for (const c of cleanups) await c();
    },
  );
}
