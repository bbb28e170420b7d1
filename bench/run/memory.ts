/** Figure 5: the memory of a worker with a long queue, summed up from what the sut process sampled (sut-memory.ts). */
import { watchConditions, type Conditions } from './conditions.js';
import { Child } from './ipc.js';
import { round } from './numbers.js';
import { freshDatabase, tempDir } from './resources.js';
import { S } from './settings.js';
import type { MemoryArgs, MemorySamples } from './sut-memory.js';

export interface MemoryResult {
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
  /** The load average at the start (queuing), and other processes' CPU over queuing and draining. */
  conditions: Conditions;
}

export async function memoryCase(sink: Child, sinkPort: number, budgetMs: number): Promise<MemoryResult> {
  const sut = await Child.spawn('sut');
  try {
    const watch = watchConditions();
    const r = await sut.call<MemorySamples>('memory', { dataDir: tempDir(), databaseUrl: await freshDatabase(), sinkPort, total: S.queue, batch: S.enqueueBatch, budgetMs, drainSeconds: S.drainSeconds } satisfies MemoryArgs, budgetMs + S.drainSeconds * 1000 + 60_000);
    const conditions = watch();
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
      conditions,
    };
  } finally {
    await sut.stop();
  }
}
