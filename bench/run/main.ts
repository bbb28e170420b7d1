/**
 * The main process: orchestrates the cases, and is the client (HTTP load generator). A watchdog
 * ends the run if it ever takes longer than WATCHDOG_MS.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { LOAD_WARN } from './conditions.js';
import { Child, children } from './ipc.js';
import { latencyCase, type Latency } from './latency.js';
import { machine } from './machine.js';
import { LABEL } from './mails.js';
import { memoryCase, type MemoryResult } from './memory.js';
import { printReport } from './report.js';
import { removeAll } from './resources.js';
import { ONLY, RUN_BUDGET_MS, S, SUT_ARGS, WATCHDOG_MS } from './settings.js';
import { envoiCase, envoiHalves, floorCase, rawCase, serialCase, type Throughput } from './throughput.js';

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
  console.log(`Load average (1 min) at start: ${loadStart.toFixed(2)}${loadStart > LOAD_WARN ? `  <- above ${LOAD_WARN} (0.7 x ${m.cpus} CPUs): other work is running on this machine, the figures will be low and noisy` : ''}`);

  const sink = await Child.spawn('sink');
  const sinkPort = await sink.call<number>('port');
  const throughput: Throughput[] = [];
  const latency: Latency[] = [];
  const diagnostics: Throughput[] = [];
  let memory: MemoryResult | undefined;
  try {
    // Measured once: slow (each mail waits for the sink's 100 ms greeting) and steady.
    if (ONLY.has('ref')) {
      for (const kind of ['text', 'html'] as const) {
        log(`${LABEL[kind]}: raw nodemailer, new transport per mail (reference, once)`);
        throughput.push(await rawCase(sink, sinkPort, 'new', kind));
        log(`${LABEL[kind]}: raw nodemailer, new transport per mail, one at a time (reference, once)`);
        throughput.push(await serialCase(sink, sinkPort, kind));
      }
    }
    // Interleaved: run 1 of every case, then run 2…, so a drift of the machine hits all cases alike
    // and each ratio is taken against the baseline of its own run.
    for (let run = 1; run <= S.runs; run++) {
      const at = S.runs > 1 ? `run ${run}/${S.runs}: ` : '';
      for (const kind of ['text', 'html'] as const) {
        if (ONLY.has('raw')) {
          log(`${at}${LABEL[kind]}: raw nodemailer, pooled`);
          throughput.push(await rawCase(sink, sinkPort, 'pool', kind, run));
        }
        if (ONLY.has('floor')) {
          log(`${at}${LABEL[kind]}: the floor, express in front of pooled nodemailer`);
          throughput.push(await floorCase(sink, sinkPort, kind, run));
        }
        if (ONLY.has('envoi')) {
          log(`${at}${LABEL[kind]}: Envoi end to end`);
          throughput.push(await envoiCase(sink, sinkPort, kind, run));
        }
      }
      if (ONLY.has('halves')) {
        log(`${at}diagnostics: Envoi ingest alone, then worker drain alone`);
        diagnostics.push(...(await envoiHalves(sink, sinkPort, run)));
      }
      if (ONLY.has('latency')) {
        log(`${at}latency at ${S.rate} req/s: bare express`);
        latency.push(await latencyCase('express', sink, sinkPort, run));
        if (ONLY.has('floor')) {
          log(`${at}latency at ${S.rate} req/s: the floor, express in front of pooled nodemailer`);
          latency.push(await latencyCase('floor', sink, sinkPort, run));
        }
        log(`${at}latency at ${S.rate} req/s: Envoi execute`);
        latency.push(await latencyCase('envoi', sink, sinkPort, run));
        if (S.rateLow > 0) {
          log(`${at}latency at ${S.rateLow} req/s: Envoi execute (diagnostic)`);
          latency.push(await latencyCase('envoi', sink, sinkPort, run, S.rateLow));
        }
        log(`${at}latency at ${S.rate} req/s: Envoi execute with no worker running (diagnostic)`);
        latency.push(await latencyCase('envoi-no-worker', sink, sinkPort, run));
      }
    }
    if (ONLY.has('memory')) {
      log(`memory (once): queue ${S.queue} with no worker, then drain for ${S.drainSeconds} s`);
      // Queue for at most queueBudgetMs, and less if the run would otherwise pass its budget.
      const left = RUN_BUDGET_MS - (performance.now() - started) - S.drainSeconds * 1000 - 15_000;
      memory = await memoryCase(sink, sinkPort, Math.max(10_000, Math.min(S.queueBudgetMs, left)));
    }
  } finally {
    await sink.stop();
    await removeAll();
  }

  printReport({ started, machine: m, loadStart, throughput, diagnostics, latency, memory });
}

export async function mainRole(): Promise<void> {
  try {
    await main();
  } catch (err) {
    console.error('bench failed:', err);
    for (const c of children) c.kill('SIGKILL');
    process.exitCode = 1;
  }
}
