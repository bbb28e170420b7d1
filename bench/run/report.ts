/** The report: readable tables on stdout, then one line `BENCH_JSON {…}` with every figure for scripts. */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { CPUS, LOAD_WARN, OTHER_WARN, warnMark } from './conditions.js';
import { LATENCY_NAME, type Latency } from './latency.js';
import type { machine } from './machine.js';
import { LABEL } from './mails.js';
import type { MemoryResult } from './memory.js';
import { round, spread } from './numbers.js';
import { printFeel, printFloor, printGoals } from './report-goals.js';
import { S } from './settings.js';
import { floorRatios, goals, summarizeCases, summarizeLatency, workflowFeel, type CaseSummary } from './summary.js';
import { conditionCells, fmt, rightFrom, sp, table } from './table.js';
import type { Throughput } from './throughput.js';

export interface Results {
  /** performance.now() when the run started. */
  started: number;
  machine: ReturnType<typeof machine>;
  /** The 1-minute load average at the start. */
  loadStart: number;
  throughput: Throughput[];
  diagnostics: Throughput[];
  latency: Latency[];
  memory: MemoryResult | undefined;
}

const NAME: Record<Throughput['system'], string> = {
  'raw-pool': 'raw nodemailer, pool of 5 (baseline)',
  floor: 'floor: express route -> pooled nodemailer',
  'raw-new': 'new transport per mail, 32 in flight (ref.)',
  'raw-new-serial': 'new transport per mail, 1 at a time (ref.)',
  envoi: 'Envoi: HTTP execute -> outbox -> worker',
  'envoi-ingest': 'Envoi HTTP execute only (no worker)',
  'envoi-drain': 'Envoi worker drain only (queue filled)',
};

const caseRow = (c: CaseSummary) => [
  LABEL[c.kind],
  NAME[c.system],
  c.runs,
  c.complete ? String(c.mails) : `${c.deliveredMin}/${c.mails}!`,
  sp(c.mailsPerSec, 0),
  sp(c.cpuMsPerMail.sut, 2),
  fmt(c.cpuMsPerMail.sink.median, 2),
  fmt(c.cpuMsPerMail.client.median, 2),
  fmt(c.sutElu.median, 2),
  c.mimeBytes ? String(c.mimeBytes) : '-',
  ...conditionCells(c.conditions),
];
const caseHead = ['mail', 'system', 'runs', 'mails', 'mails/s', 'cpu ms/mail sut', 'sink', 'client', 'sut ELU', 'MIME bytes', 'load', 'others'];

function printThroughput(throughput: Throughput[], diagnostics: Throughput[]): void {
  if (throughput.length) {
    console.log(`\n1-3. Throughput: ${S.mails} mails per case (${S.serialMails} one at a time), ${S.concurrency} in flight, a mail counts when the sink has received it; median (lowest-highest) over the runs`);
    console.log(table(caseHead, summarizeCases(throughput).map(caseRow), rightFrom(2, caseHead.length)));
  }
  for (const kind of ['text', 'html'] as const) {
    const e = throughput.filter((t) => t.system === 'envoi' && t.kind === kind && t.acceptedSeconds !== undefined);
    if (!e.length) continue;
    const accepted = spread(e.map((t) => t.acceptedSeconds!), 2);
    console.log(`   Envoi ${LABEL[kind]}: the last of ${S.mails} executes answered 202 after ${sp(accepted, 2)} s (${sp(spread(e.map((t) => t.mails / t.acceptedSeconds!), 0), 0)} req/s); the sink had them all after ${sp(spread(e.map((t) => t.seconds), 2), 2)} s`);
  }
  for (const t of [...throughput, ...diagnostics].filter((x) => x.firstError)) console.log(`   ! ${NAME[t.system]} ${LABEL[t.kind]} run ${t.run}: ${t.failed} failed, first: ${t.firstError}`);
  if (diagnostics.length) {
    console.log('\nDiagnostics: the two halves of Envoi apart (1 KB text)');
    console.log(table(caseHead, summarizeCases(diagnostics).map(caseRow), rightFrom(2, caseHead.length)));
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
          return [`${NAME[t.system]} ${LABEL[t.kind]} run ${t.run}`, fmt(q.total / per, 1), fmt(q.heldShare, 2), fmt(q.waitMeanMs, 2), parts.join('; ')];
        }),
        new Set([1, 2, 3]),
      ),
    );
  }
}

function printLatency(latency: Latency[]): void {
  if (!latency.length) return;
  console.log(`\n4. Latency of one request at a fixed ${S.rate} req/s for ${S.rateSeconds} s (open loop; ms from sending to the end of the answer; req/s = rate achieved); median (lowest-highest) over the runs, counts summed`);
  const head = ['route', 'runs', 'sent', '202s', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'send lag p99', 'sut ELU', 'load', 'others'];
  console.log(
    table(
      head,
      summarizeLatency(latency).map((l) => [
        `${LATENCY_NAME[l.target]}${l.rate !== S.rate ? ` @ ${l.rate}/s (diagnostic)` : ''}`,
        l.runs,
        l.sent,
        l.ok,
        l.errors,
        fmt(l.achievedRate.median, 0),
        sp(l.p50, 2),
        fmt(l.p90.median, 2),
        sp(l.p99, 2),
        fmt(l.max.max, 1),
        fmt(l.sendLagP99.max, 2),
        fmt(l.sutElu.median, 2),
        ...conditionCells(l.conditions),
      ]),
      rightFrom(1, head.length),
    ),
  );
}

function printMemory(mm: MemoryResult): void {
  const [load, others] = conditionCells(mm.conditions);
  console.log(`\n5. Worker memory with a long queue (once; one process: Envoi without HTTP; RSS / heapUsed in MB); load ${load}, others ${others}${warnMark(mm.conditions) ? ' (unreliable)' : ''}`);
  console.log(`   Queued ${mm.queued} deliveries with no worker in ${fmt(mm.queueSeconds, 1)} s (${fmt(mm.queuePerSec, 0)}/s, outbox.enqueue in batches of ${S.enqueueBatch}); database ${fmt(mm.dbMB, 0)} MB${mm.queued < S.queue ? ` (cut short of ${S.queue} by the time budget)` : ''}`);
  console.log(
    table(
      ['moment', 'RSS MB', 'heapUsed MB'],
      [
        ['empty queue, before queuing (after GC)', fmt(mm.empty.rssMB), fmt(mm.empty.heapUsedMB)],
        [`${mm.queued} queued, worker not started (idle, after GC)`, fmt(mm.idle.rssMB), fmt(mm.idle.heapUsedMB)],
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

export function printReport({ started, machine: m, loadStart, throughput, diagnostics, latency, memory }: Results): void {
  printThroughput(throughput, diagnostics);
  printLatency(latency);
  if (memory) printMemory(memory);
  const goalList = goals(throughput, latency, memory);
  const feel = workflowFeel(throughput, latency);
  printGoals(goalList, S.runs);
  const floor = floorRatios(throughput, latency);
  printFloor(floor);
  printFeel(feel);

  console.log(
    `\nload = the 1-minute load average at a figure's start (the highest of its runs), ! above ${LOAD_WARN} (0.7 x ${CPUS} CPUs); others = CPUs' worth of work by processes outside the bench during it (the most of its runs), ! above ${OTHER_WARN}.` +
      ' A figure marked ! is unreliable. The bench itself keeps the load average around 1-2 on 2 cores, so on a small machine a load ! with others near 0 is the bench\'s own earlier case; others ! is someone else.',
  );
  const total = (performance.now() - started) / 1000;
  const loadEnd = os.loadavg()[0]!;
  console.log(`Total time ${fmt(total, 1)} s; load average (1 min) at the end ${loadEnd.toFixed(2)}`);
  const out = {
    machine: m,
    settings: S,
    loadAverage: { start: round(loadStart, 2), end: round(loadEnd, 2), warnAbove: LOAD_WARN, otherCpusWarnAbove: OTHER_WARN },
    goals: goalList,
    floor,
    workflow: feel,
    summary: { throughput: summarizeCases(throughput), diagnostics: summarizeCases(diagnostics), latency: summarizeLatency(latency) },
    runs: { throughput, diagnostics, latency },
    memory: memory ? { ...memory, samples: undefined } : undefined,
    totalSeconds: round(total, 1),
  };
  console.log(`BENCH_JSON ${JSON.stringify(out)}`);
}
