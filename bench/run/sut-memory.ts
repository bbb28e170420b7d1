/**
 * Figure 5, the system-under-test side: queue `total` deliveries with no worker running, then
 * start one and sample this process's memory while it drains for `drainSeconds`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../connector/config.js';
import { Worker } from '../../connector/delivery/worker.js';
import { WorkerThread } from '../../connector/delivery/worker-thread.js';
import { createEnvoi } from '../../connector/envoi.js';
import type { Logger } from '../../connector/log.js';
import { FROM, mailInput } from './mails.js';
import { gc, MB, sleep } from './numbers.js';

export interface MemoryArgs {
  dataDir: string;
  databaseUrl?: string | undefined;
  sinkPort: number;
  total: number;
  batch: number;
  budgetMs: number;
  drainSeconds: number;
}

type Mem = { rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number };

export interface MemorySamples {
  queued: number;
  queueMs: number;
  empty: Mem;
  idle: Mem;
  samples: Array<{ t: number; rssMB: number; heapUsedMB: number; attempts: number }>;
  drained: number;
  drainMs: number;
  afterStop: Mem;
  countsBefore: unknown;
  countsAfter: unknown;
  dbMB: number;
}

export const mem = (): Mem => {
  const m = process.memoryUsage();
  return { rssMB: MB(m.rss), heapUsedMB: MB(m.heapUsed), heapTotalMB: MB(m.heapTotal), externalMB: MB(m.external) };
};

/** `cleanups` gets the Envoi's close, for when the parent stops this process half way. */
export async function queueAndDrain(config: Config, logger: Logger, cleanups: Array<() => Promise<void> | void>, a: MemoryArgs): Promise<MemorySamples> {
  const { dataDir, sinkPort, total, batch, budgetMs, drainSeconds } = a;
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
  // The worker as `npm start` runs it: on its own thread by default (RSS counts both threads;
  // heapUsed is the server thread's), or on this event loop with ENVOI_WORKER_THREAD=off.
  const worker = config.workerThread
    ? new WorkerThread({ config, allowedEndpoints: [], logger, onAttempt: () => attempts++, onRecorded: () => {}, onWebhooks: () => {} })
    : new Worker({ store: envoi.deliveries, outbox: envoi.outbox, connections: envoi.connections, mailer: envoi.mailer, rateLimits: envoi.rateLimits, logger, config });
  const samples: MemorySamples['samples'] = [];
  const d0 = performance.now();
  await worker.start();
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
}
