/** The bench's settings: environment variables override them, e.g. BENCH_MAILS=500 for a quick run. */
import { productNodeArgs } from '../support/node-args.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export const S = {
  /** Repetitions of the pooled baseline, Envoi, the halves and the latency cases, interleaved (run 1 of every case, then run 2…). */
  runs: Math.round(num('BENCH_RUNS', 3)),
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
/**
 * The run aims to end within RUN_BUDGET_MS (the queue of figure 5 is cut short to fit); the
 * watchdog is the hard stop. A repetition takes about 100 s with the defaults on 2 quiet cores,
 * the references and figure 5 about 75 s together (at most 150 s: queueBudgetMs).
 */
export const RUN_BUDGET_MS = num('BENCH_RUN_BUDGET_MS', 200_000 + S.runs * 130_000);
export const WATCHDOG_MS = num('BENCH_WATCHDOG_MS', RUN_BUDGET_MS + 180_000);
/**
 * Phases to run (default all): raw (pooled nodemailer), floor (express in front of pooled
 * nodemailer), ref (a new transport per mail, 32 in
 * flight and one at a time; measured once), envoi, halves, latency, memory.
 */
export const ONLY = new Set((process.env.BENCH_ONLY ?? 'raw,floor,ref,envoi,halves,latency,memory').split(',').map((x) => x.trim()));
/** Count SQL statements and time the database connection in Envoi processes (adds a little overhead). */
export const TRACE_SQL = /^(1|true|yes)$/i.test(process.env.BENCH_TRACE_SQL ?? '');
/**
 * Node options of every system-under-test process (Envoi and the baselines alike): the ones
 * `npm start` runs Envoi with, then BENCH_SUT_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export const SUT_ARGS = [...productNodeArgs(), ...(process.env.BENCH_SUT_ARGS ?? '').split(/\s+/).filter(Boolean)];

export const ADMIN_KEY = 'bench-admin-key-123456';
export const EXECUTE_PATH = '/api/v1/scopes/platform/actions/send-email/execute';
