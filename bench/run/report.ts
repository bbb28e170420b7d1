/** The report: readable tables on stdout, then one line `BENCH_JSON {…}` with every figure for scripts. */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { LATENCY_NAME, type Latency } from './latency.js';
import type { machine } from './machine.js';
import { LABEL, type Kind } from './mails.js';
import type { MemoryResult } from './memory.js';
import { round } from './numbers.js';
import { S } from './settings.js';
import type { Throughput } from './throughput.js';

function table(head: string[], rows: Array<Array<string | number>>, right = new Set<number>()): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(r.map(String)))].join('\n');
}

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

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

export function printReport({ started, machine: m, loadStart, throughput, diagnostics, latency, memory }: Results): void {
  const get = (system: Throughput['system'], kind: Kind) => throughput.find((t) => t.system === system && t.kind === kind);
  const NAME: Record<Throughput['system'], string> = {
    'raw-pool': 'raw nodemailer, pool of 5 (baseline A)',
    'raw-new': 'new transport per mail (baseline B)',
    'raw-new-serial': 'new transport per mail, 1 at a time (ref.)',
    envoi: 'Envoi: HTTP execute -> outbox -> worker',
    'envoi-ingest': 'Envoi HTTP execute only (no worker)',
    'envoi-drain': 'Envoi worker drain only (queue filled)',
  };
  const tpRow = (t: Throughput) => [
    LABEL[t.kind],
    NAME[t.system],
    t.complete ? String(t.delivered) : `${t.delivered}/${t.mails}!`,
    fmt(t.seconds, 2),
    fmt(t.mailsPerSec, 0),
    t.mimeBytes ? String(t.mimeBytes) : '-',
    fmt(t.cpuMsPerMail.sut, 2),
    fmt(t.cpuMsPerMail.sink, 2),
    fmt(t.cpuMsPerMail.client, 2),
    fmt(t.sutElu, 2),
  ];
  const tpHead = ['mail', 'system', 'mails', 'seconds', 'mails/s', 'MIME bytes', 'cpu ms/mail sut', 'sink', 'client', 'sut ELU'];
  const tpRight = new Set([2, 3, 4, 5, 6, 7, 8, 9]);

  if (throughput.length) console.log(`\n1-3. Throughput: ${S.mails} mails per case, ${S.concurrency} requests in flight, a mail counts when the sink has received it`);
  if (throughput.length) console.log(table(tpHead, throughput.map(tpRow), tpRight));
  for (const t of throughput.filter((x) => x.acceptedSeconds !== undefined)) {
    console.log(`   Envoi ${LABEL[t.kind]}: all ${t.mails} execute requests answered 202 after ${fmt(t.acceptedSeconds!, 2)} s (${fmt(t.mails / t.acceptedSeconds!, 0)} req/s); the sink had them all after ${fmt(t.seconds, 2)} s`);
  }
  for (const t of [...throughput, ...diagnostics].filter((x) => x.firstError)) console.log(`   ! ${NAME[t.system]} ${LABEL[t.kind]}: ${t.failed} failed, first: ${t.firstError}`);

  const ratios = (['text', 'html'] as const).flatMap((kind) => {
    const e = get('envoi', kind);
    const a = get('raw-pool', kind);
    const b = get('raw-new', kind);
    if (!e || !a || !b) return [];
    const serial = get('raw-new-serial', kind);
    return [{ kind, envoiPerSec: e.mailsPerSec, vsRawPoolPct: round((100 * e.mailsPerSec) / a.mailsPerSec, 1), vsNewTransportX: round(e.mailsPerSec / b.mailsPerSec, 2), ...(serial ? { vsOneAtATimeX: round(e.mailsPerSec / serial.mailsPerSec, 1) } : {}) }];
  });
  if (ratios.length) console.log('\nRatios (goals: Envoi >= 60% of raw pooled nodemailer, >= 10x a new transport per mail)');
  if (ratios.length) console.log(
    table(
      ['mail', 'Envoi mails/s', 'Envoi / raw pool', 'goal 60%', 'Envoi / new transport', 'goal 10x', 'Envoi / one at a time (ref.)'],
      ratios.map((r) => [LABEL[r.kind], fmt(r.envoiPerSec, 0), `${fmt(r.vsRawPoolPct, 1)}%`, r.vsRawPoolPct >= 60 ? 'met' : 'NOT met', `${fmt(r.vsNewTransportX, 2)}x`, r.vsNewTransportX >= 10 ? 'met' : 'NOT met', r.vsOneAtATimeX === undefined ? '-' : `${fmt(r.vsOneAtATimeX, 1)}x`]),
      new Set([1, 2, 4, 6]),
    ),
  );

  if (diagnostics.length) {
    console.log('\nDiagnostics: the two halves of Envoi apart (1 KB text)');
    console.log(table(tpHead, diagnostics.map(tpRow), tpRight));
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
          return [`${NAME[t.system]} ${LABEL[t.kind]}`, fmt(q.total / per, 1), fmt(q.heldShare, 2), fmt(q.waitMeanMs, 2), parts.join('; ')];
        }),
        new Set([1, 2, 3]),
      ),
    );
  }

  if (latency.length) console.log(`\n4. Latency of one request at a fixed ${S.rate} req/s for ${S.rateSeconds} s (open loop; ms from sending to the end of the answer; req/s = rate achieved)`);
  if (latency.length) console.log(
    table(
      ['route', 'sent', '202s', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'send lag p99', 'sut ELU'],
      latency.map((l) => [`${LATENCY_NAME[l.target]}${l.rate !== S.rate ? ` @ ${l.rate}/s (diagnostic)` : ''}`, l.sent, l.ok, l.errors, fmt(l.achievedRate, 0), fmt(l.p50, 2), fmt(l.p90, 2), fmt(l.p99, 2), fmt(l.max, 1), fmt(l.sendLagP99, 2), fmt(l.sutElu, 2)]),
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ),
  );

  if (memory) {
    const mm = memory;
    console.log(`\n5. Worker memory with a long queue (one process: Envoi without HTTP; RSS / heapUsed in MB)`);
    console.log(`   Queued ${mm.queued} deliveries with no worker in ${fmt(mm.queueSeconds, 1)} s (${fmt(mm.queuePerSec, 0)}/s, outbox.enqueue in batches of ${S.enqueueBatch}); database ${fmt(mm.dbMB, 0)} MB${mm.queued < S.queue ? ` (cut short of ${S.queue} by the time budget)` : ''}`);
    console.log(
      table(
        ['moment', 'RSS MB', 'heapUsed MB'],
        [
          ['empty queue, before queuing (after GC)', fmt(mm.empty.rssMB), fmt(mm.empty.heapUsedMB)],
          [`${mm.queued} queued, worker not started (after GC)`, fmt(mm.idle.rssMB), fmt(mm.idle.heapUsedMB)],
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

  const total = (performance.now() - started) / 1000;
  const loadEnd = os.loadavg()[0]!;
  console.log(`\nTotal time ${fmt(total, 1)} s; load average (1 min) at the end ${loadEnd.toFixed(2)} (this run alone keeps it around 1-2)`);
  const out = { machine: m, settings: S, loadAverage: { start: round(loadStart, 2), end: round(loadEnd, 2) }, throughput, ratios, diagnostics, latency, memory: memory ? { ...memory, samples: undefined } : undefined, totalSeconds: round(total, 1) };
  console.log(`BENCH_JSON ${JSON.stringify(out)}`);
}
