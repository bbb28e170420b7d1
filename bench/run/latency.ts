/** Figure 4: the latency of one request at a fixed request rate (open loop), Envoi's execute beside a bare express route. */
import { startEnvoi } from './envoi-client.js';
import { Child } from './ipc.js';
import { openLoop } from './load.js';
import { executeBody } from './mails.js';
import { eluOf, percentile, round } from './numbers.js';
import { EXECUTE_PATH, S } from './settings.js';

export type LatencyTarget = 'envoi' | 'envoi-no-worker' | 'express';
export const LATENCY_NAME: Record<LatencyTarget, string> = {
  express: 'bare express POST /x',
  envoi: 'Envoi POST .../send-email/execute',
  'envoi-no-worker': 'same, worker off (diagnostic)',
};

export interface Latency {
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

export async function latencyCase(target: LatencyTarget, sink: Child, sinkPort: number, rate = S.rate): Promise<Latency> {
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
