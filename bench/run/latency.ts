/** Figure 4: the latency of one request at a fixed request rate (open loop), Envoi's execute beside a bare express route. */
import { watchConditions, type Conditions } from './conditions.js';
import { startEnvoi } from './envoi-client.js';
import { Child } from './ipc.js';
import { openLoop } from './load.js';
import { executeBody } from './mails.js';
import { eluOf, percentile, round } from './numbers.js';
import { EXECUTE_PATH, S } from './settings.js';

export type LatencyTarget = 'envoi' | 'envoi-no-worker' | 'express' | 'floor';
export const LATENCY_NAME: Record<LatencyTarget, string> = {
  express: 'bare express POST /x',
  floor: 'floor: express route -> pooled nodemailer',
  envoi: 'Envoi POST .../send-email/execute',
  'envoi-no-worker': 'same, worker off (diagnostic)',
};

export interface Latency {
  target: LatencyTarget;
  /** Which repetition (1..BENCH_RUNS). */
  run: number;
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
  /** The load average at the start of the measured part, and other processes' CPU during it. */
  conditions: Conditions;
}

export async function latencyCase(target: LatencyTarget, sink: Child, sinkPort: number, run: number, rate = S.rate): Promise<Latency> {
  const body = executeBody('text');
  let sut: Child;
  let url: string;
  let pathName: string;
  if (target === 'envoi' || target === 'envoi-no-worker') {
    ({ sut, url } = await startEnvoi(sinkPort, target === 'envoi'));
    pathName = EXECUTE_PATH;
  } else {
    // The floor delivers in its own process as Envoi's worker does (sut-role.ts); express sends nothing.
    sut = await Child.spawn('sut');
    ({ url } = await sut.call<{ url: string }>(target, target === 'floor' ? { port: sinkPort, kind: 'text' } : undefined));
    pathName = target === 'floor' ? EXECUTE_PATH : '/x';
  }
  try {
    const base = (await sink.call<{ count: number }>('count')).count;
    const warm = await openLoop(url, pathName, body, rate, S.rateWarmupSeconds);
    const s0 = await sut.stats();
    const watch = watchConditions();
    const r = await openLoop(url, pathName, body, rate, S.rateSeconds);
    const conditions = watch();
    const s1 = await sut.stats();
    if (target === 'envoi' || target === 'floor') {
      // Let the worker deliver what was queued before the process is stopped.
      await sink.call('waitFor', { target: base + warm.ok + r.ok, timeoutMs: 30_000 }, 40_000);
    }
    const lat = r.lat.sort((a, b) => a - b);
    const lags = r.lags.sort((a, b) => a - b);
    return {
      target,
      run,
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
      conditions,
    };
  } finally {
    await sut.stop();
  }
}
