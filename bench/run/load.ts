/**
 * Load generators: a closed loop (n calls, a fixed number in flight) and an open loop (requests on
 * a fixed schedule whatever the answers do). Bounded in count and time, both.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { post } from './envoi-client.js';
import { executeBody, type Kind } from './mails.js';
import { EXECUTE_PATH } from './settings.js';

/** Runs fn(i) for i < n with at most `concurrency` calls in flight, stopping new calls at the deadline. */
export async function closedLoop(n: number, concurrency: number, deadline: number, fn: (i: number) => Promise<void>): Promise<{ ok: number; failed: number; firstError?: string }> {
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

/** Sends n execute requests, `concurrency` in flight; each must answer 202. */
export async function executeMany(agent: http.Agent, url: string, kind: Kind, n: number, concurrency: number, deadline: number) {
  const body = executeBody(kind);
  return closedLoop(n, concurrency, deadline, async () => {
    const r = await post(agent, url, EXECUTE_PATH, body);
    if (r.status !== 202) throw new Error(`execute answered ${r.status}: ${r.body.slice(0, 300)}`);
  });
}

/**
 * Sends requests on a fixed schedule (i-th at t0 + i/rate) whatever the answers do, and times
 * each from the moment it was sent to the end of its answer.
 */
export async function openLoop(url: string, pathName: string, body: Buffer, rate: number, seconds: number): Promise<{ sent: number; ok: number; errors: number; lat: number[]; lags: number[]; ms: number }> {
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
