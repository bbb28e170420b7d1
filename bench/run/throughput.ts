/** Figures 1-3: throughput, a mail done when the sink has it; and the two halves of Envoi apart (diagnostics). */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { startEnvoi } from './envoi-client.js';
import { watchConditions, type Conditions } from './conditions.js';
import { Child } from './ipc.js';
import { executeMany } from './load.js';
import type { Kind } from './mails.js';
import { cpuMs, eluOf, percentile, procStats, round } from './numbers.js';
import { S, TRACE_SQL } from './settings.js';
import type { SqlSnapshot } from './sql-trace.js';

export interface Throughput {
  system: 'raw-pool' | 'floor' | 'raw-new' | 'raw-new-serial' | 'envoi' | 'envoi-ingest' | 'envoi-drain';
  kind: Kind;
  /** Which repetition (1..BENCH_RUNS); the references measured once are run 1. */
  run: number;
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
  /** The one-at-a-time reference: how long each sendMail (new transport, send, close) took, ms. */
  perSendMs?: { n: number; p50: number; p99: number };
  /** The load average at the start, and other processes' CPU during the case. */
  conditions: Conditions;
}

type Sent = { ok: number; failed: number; firstError?: string; acceptedSeconds?: number; sendMs?: number[] };

async function measure(
  sink: Child,
  sut: Child,
  system: Throughput['system'],
  kind: Kind,
  run: number,
  n: number,
  send: (deadline: number) => Promise<Sent>,
): Promise<Throughput> {
  const before = await sink.call<{ count: number; bytes: number }>('count');
  const base = before.count;
  if (TRACE_SQL) await sut.call('sql', { reset: true });
  const [sut0, sink0] = await Promise.all([sut.stats(), sink.stats()]);
  const main0 = procStats();
  const watch = watchConditions();
  const t0 = performance.now();
  const deadline = t0 + S.caseBudgetMs;
  const arrived = sink.call<{ reached: boolean; count: number }>('waitFor', { target: base + n, timeoutMs: S.caseBudgetMs + 30_000 }, S.caseBudgetMs + 40_000);
  arrived.catch(() => {});
  const sent = await send(deadline);
  // Everything the sender could not hand over will never arrive: wait only for what it did.
  const got = sent.ok === n ? await arrived : await sink.call<{ reached: boolean; count: number }>('waitFor', { target: base + sent.ok, timeoutMs: 30_000 }, 40_000);
  const t1 = performance.now();
  const conditions = watch();
  const main1 = procStats();
  const [sut1, sink1] = await Promise.all([sut.stats(), sink.stats()]);
  const sql = TRACE_SQL ? await sut.call<SqlSnapshot | null>('sql') : null;
  const after = await sink.call<{ count: number; bytes: number }>('count');
  const delivered = got.count - base;
  const seconds = (t1 - t0) / 1000;
  const per = Math.max(1, delivered);
  const sendMs = sent.sendMs?.sort((a, b) => a - b);
  return {
    system,
    kind,
    run,
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
    ...(sendMs?.length ? { perSendMs: { n: sendMs.length, p50: round(percentile(sendMs, 50), 1), p99: round(percentile(sendMs, 99), 1) } } : {}),
    conditions,
  };
}

/**
 * The one-at-a-time reference: a new transport per mail, one mail at a time, as a workflow step
 * that sends and waits for its mail does. Each sendMail is timed (transport made, mail sent,
 * transport closed): that is what such a step waits for, set beside execute's latency.
 */
export async function serialCase(sink: Child, sinkPort: number, kind: Kind): Promise<Throughput> {
  const sut = await Child.spawn('sut');
  try {
    const wBase = (await sink.call<{ count: number }>('count')).count;
    await sut.call('raw', { mode: 'new', kind, n: 5, concurrency: 1, port: sinkPort, budgetMs: 30_000 }, 60_000);
    await sink.call('waitFor', { target: wBase + 5, timeoutMs: 10_000 }, 20_000);
    return await measure(sink, sut, 'raw-new-serial', kind, 1, S.serialMails, (deadline) =>
      sut.call('raw', { mode: 'new', kind, n: S.serialMails, concurrency: 1, port: sinkPort, budgetMs: deadline - performance.now(), timeEach: true }, S.caseBudgetMs + 30_000),
    );
  } finally {
    await sut.stop();
  }
}

export async function rawCase(sink: Child, sinkPort: number, mode: 'pool' | 'new', kind: Kind, run = 1): Promise<Throughput> {
  const sut = await Child.spawn('sut');
  try {
    const warm = mode === 'pool' ? S.warmup : Math.min(S.warmup, 64);
    const wBase = (await sink.call<{ count: number }>('count')).count;
    await sut.call('raw', { mode, kind, n: warm, concurrency: S.concurrency, port: sinkPort, budgetMs: 30_000 }, 60_000);
    await sink.call('waitFor', { target: wBase + warm, timeoutMs: 10_000 }, 20_000);
    return await measure(sink, sut, mode === 'pool' ? 'raw-pool' : 'raw-new', kind, run, S.mails, (deadline) =>
      sut.call('raw', { mode, kind, n: S.mails, concurrency: S.concurrency, port: sinkPort, budgetMs: deadline - performance.now() }, S.caseBudgetMs + 30_000),
    );
  } finally {
    await sut.stop();
  }
}

/**
 * Execute requests to a started process (Envoi or the floor), 32 in flight, after a warm-up the
 * sink has received; a mail counts when the sink has it, and the last 202 is timed too.
 */
async function executeCase(sink: Child, started: { sut: Child; url: string }, system: 'envoi' | 'floor', kind: Kind, run: number): Promise<Throughput> {
  const { sut, url } = started;
  const agent = new http.Agent({ keepAlive: true, maxSockets: S.concurrency });
  try {
    const wBase = (await sink.call<{ count: number }>('count')).count;
    await executeMany(agent, url, kind, S.warmup, S.concurrency, performance.now() + 30_000);
    await sink.call('waitFor', { target: wBase + S.warmup, timeoutMs: 30_000 }, 40_000);
    return await measure(sink, sut, system, kind, run, S.mails, async (deadline) => {
      const t0 = performance.now();
      const r = await executeMany(agent, url, kind, S.mails, S.concurrency, deadline);
      return system === 'envoi' ? { ...r, acceptedSeconds: (performance.now() - t0) / 1000 } : r;
    });
  } finally {
    agent.destroy();
    await sut.stop();
  }
}

export async function envoiCase(sink: Child, sinkPort: number, kind: Kind, run: number): Promise<Throughput> {
  return executeCase(sink, await startEnvoi(sinkPort, true), 'envoi', kind, run);
}

/** The floor: the same execute requests to an express route in front of pooled nodemailer (sut-role.ts). */
export async function floorCase(sink: Child, sinkPort: number, kind: Kind, run: number): Promise<Throughput> {
  const sut = await Child.spawn('sut');
  let url: string;
  try {
    ({ url } = await sut.call<{ url: string }>('floor', { port: sinkPort, kind }));
  } catch (err) {
    await sut.stop();
    throw err;
  }
  return executeCase(sink, { sut, url }, 'floor', kind, run);
}

/** Diagnostics: the two halves of Envoi's pipeline apart — HTTP execute with no worker, then a worker draining what was queued. */
export async function envoiHalves(sink: Child, sinkPort: number, run: number): Promise<Throughput[]> {
  const { sut, url } = await startEnvoi(sinkPort, false);
  const agent = new http.Agent({ keepAlive: true, maxSockets: S.concurrency });
  try {
    await executeMany(agent, url, 'text', S.warmup, S.concurrency, performance.now() + 30_000);
    if (TRACE_SQL) await sut.call('sql', { reset: true });
    const [sut0, sink0] = await Promise.all([sut.stats(), sink.stats()]);
    const main0 = procStats();
    const watch = watchConditions();
    const t0 = performance.now();
    const r = await executeMany(agent, url, 'text', S.mails, S.concurrency, t0 + S.caseBudgetMs);
    const t1 = performance.now();
    const conditions = watch();
    const main1 = procStats();
    const [sut1, sink1] = await Promise.all([sut.stats(), sink.stats()]);
    const sql = TRACE_SQL ? await sut.call<SqlSnapshot | null>('sql') : null;
    const per = Math.max(1, r.ok);
    const ingest: Throughput = {
      system: 'envoi-ingest',
      kind: 'text',
      run,
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
      conditions,
    };
    // Everything queued (warm-up included) is now drained by a worker started on its own.
    const queued = S.warmup + r.ok;
    const drain = await measure(sink, sut, 'envoi-drain', 'text', run, queued, async () => {
      await sut.call('startWorker');
      return { ok: queued, failed: 0 };
    });
    return [ingest, drain];
  } finally {
    agent.destroy();
    await sut.stop();
  }
}
