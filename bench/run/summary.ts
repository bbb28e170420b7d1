/**
 * The figures over the runs: each case's median and range, the ratios of issue #18 taken per run
 * against the baseline of the same run (then their median and range), the goals judged on those
 * medians, and what a workflow step feels next to the one-at-a-time reference.
 */
import { warnMark, worstOf, type Conditions } from './conditions.js';
import type { Latency, LatencyTarget } from './latency.js';
import { LABEL, type Kind } from './mails.js';
import type { MemoryResult } from './memory.js';
import { spread, type Spread } from './numbers.js';
import { S } from './settings.js';
import type { Throughput } from './throughput.js';

export interface CaseSummary {
  system: Throughput['system'];
  kind: Kind;
  runs: number;
  mails: number;
  /** Fewest mails delivered in a run; `complete` is false if any run fell short or had a failure. */
  deliveredMin: number;
  complete: boolean;
  mailsPerSec: Spread;
  cpuMsPerMail: { sut: Spread; sink: Spread; client: Spread };
  sutElu: Spread;
  mimeBytes: number;
  perSendMs?: Throughput['perSendMs'];
  /** The worst of its runs: highest load at a start, most foreign CPU. */
  conditions: Conditions;
}

export interface LatencySummary {
  target: LatencyTarget;
  rate: number;
  runs: number;
  sent: number;
  ok: number;
  errors: number;
  achievedRate: Spread;
  p50: Spread;
  p90: Spread;
  p99: Spread;
  max: Spread;
  sendLagP99: Spread;
  sutElu: Spread;
  conditions: Conditions;
}

function groups<T>(xs: T[], key: (x: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.values()];
}

export function summarizeCases(ts: Throughput[]): CaseSummary[] {
  return groups(ts, (t) => `${t.system}/${t.kind}`).map((g) => {
    const first = g[0]!;
    return {
      system: first.system,
      kind: first.kind,
      runs: g.length,
      mails: first.mails,
      deliveredMin: Math.min(...g.map((t) => t.delivered)),
      complete: g.every((t) => t.complete),
      mailsPerSec: spread(g.map((t) => t.mailsPerSec), 1),
      cpuMsPerMail: { sut: spread(g.map((t) => t.cpuMsPerMail.sut)), sink: spread(g.map((t) => t.cpuMsPerMail.sink)), client: spread(g.map((t) => t.cpuMsPerMail.client)) },
      sutElu: spread(g.map((t) => t.sutElu), 2),
      mimeBytes: Math.max(...g.map((t) => t.mimeBytes ?? 0)),
      ...(first.perSendMs ? { perSendMs: first.perSendMs } : {}),
      conditions: worstOf(g.map((t) => t.conditions)),
    };
  });
}

export function summarizeLatency(ls: Latency[]): LatencySummary[] {
  return groups(ls, (l) => `${l.target}@${l.rate}`).map((g) => ({
    target: g[0]!.target,
    rate: g[0]!.rate,
    runs: g.length,
    sent: g.reduce((n, l) => n + l.sent, 0),
    ok: g.reduce((n, l) => n + l.ok, 0),
    errors: g.reduce((n, l) => n + l.errors, 0),
    achievedRate: spread(g.map((l) => l.achievedRate), 1),
    p50: spread(g.map((l) => l.p50), 2),
    p90: spread(g.map((l) => l.p90), 2),
    p99: spread(g.map((l) => l.p99), 2),
    max: spread(g.map((l) => l.max), 1),
    sendLagP99: spread(g.map((l) => l.sendLagP99), 2),
    sutElu: spread(g.map((l) => l.sutElu), 2),
    conditions: worstOf(g.map((l) => l.conditions)),
  }));
}

/** For each run that has both: f(a, b) of that run's two figures. */
function perRun<A extends { run: number }, B extends { run: number }>(as: A[], bs: B[], f: (a: A, b: B) => number): number[] {
  return as.flatMap((a) => {
    const b = bs.find((x) => x.run === a.run);
    return b ? [f(a, b)] : [];
  });
}

export interface Goal {
  what: string;
  /** Per-run ratios (or the single figure) with their median, which the verdict is taken on. */
  measured: Spread;
  unit: '%' | 'x' | 'MB';
  limit: string;
  met: boolean;
  /** Some figure behind it ran on a loaded machine (see conditions.ts) or fell short of its mails. */
  doubtful: boolean;
}

const doubtful = (xs: Array<{ conditions: Conditions; complete?: boolean; errors?: number }>) => xs.some((x) => warnMark(x.conditions) !== '' || x.complete === false || (x.errors ?? 0) > 0);

/** The goals of issue #18, judged on the medians of per-run ratios; a goal whose figures were not measured is left out. */
export function goals(throughput: Throughput[], latency: Latency[], memory: MemoryResult | undefined): Goal[] {
  const out: Goal[] = [];
  const of = (system: Throughput['system'], kind: Kind) => throughput.filter((t) => t.system === system && t.kind === kind);
  for (const kind of ['text', 'html'] as const) {
    const e = of('envoi', kind);
    const a = of('raw-pool', kind);
    const cpu = spread(perRun(e, a, (x, y) => x.cpuMsPerMail.sut / y.cpuMsPerMail.sut), 2);
    if (Number.isFinite(cpu.median)) out.push({ what: `CPU per mail (sut, all threads), ${LABEL[kind]}: Envoi / raw pooled`, measured: cpu, unit: 'x', limit: '<= 1.5x', met: cpu.median <= 1.5, doubtful: doubtful([...e, ...a]) });
  }
  for (const kind of ['text', 'html'] as const) {
    const e = of('envoi', kind);
    const a = of('raw-pool', kind);
    const rate = spread(perRun(e, a, (x, y) => (100 * x.mailsPerSec) / y.mailsPerSec), 1);
    if (Number.isFinite(rate.median)) out.push({ what: `mails/s, ${LABEL[kind]}: Envoi / raw pooled`, measured: rate, unit: '%', limit: '>= 70%', met: rate.median >= 70, doubtful: doubtful([...e, ...a]) });
  }
  const envoiLat = latency.filter((l) => l.target === 'envoi' && l.rate === S.rate);
  const express = latency.filter((l) => l.target === 'express');
  const p99 = spread(perRun(envoiLat, express, (x, y) => x.p99 / y.p99), 2);
  if (Number.isFinite(p99.median)) out.push({ what: `execute p99 at ${S.rate} req/s, worker delivering: Envoi / bare express`, measured: p99, unit: 'x', limit: '<= 3x', met: p99.median <= 3, doubtful: doubtful([...envoiLat, ...express]) });
  if (memory) {
    const short = memory.queued < S.queue;
    const m = [{ conditions: memory.conditions, complete: !short }];
    out.push({ what: `RSS with ${memory.queued} queued, worker idle (not started, after GC)`, measured: spread([memory.idle.rssMB], 1), unit: 'MB', limit: '< 200 MB', met: memory.idle.rssMB < 200, doubtful: doubtful(m) });
    out.push({ what: `RSS while draining (max over ${S.drainSeconds} s)`, measured: spread([memory.draining.rssMaxMB], 1), unit: 'MB', limit: '< 200 MB', met: memory.draining.rssMaxMB < 200, doubtful: doubtful(m) });
  }
  return out;
}

export interface FloorRow {
  what: string;
  /** Per run: the floor's figure against raw pooled's, and Envoi's against the floor's. */
  floor: Spread;
  envoi: Spread;
  unit: 'x' | '%';
  doubtful: boolean;
}

/**
 * Where the goals stand against the floor (an express route in front of pooled nodemailer): the
 * share of raw pooled's CPU and rate that HTTP alone already takes, and Envoi against the floor.
 */
export function floorRatios(throughput: Throughput[], latency: Latency[]): FloorRow[] {
  const out: FloorRow[] = [];
  const of = (system: Throughput['system'], kind: Kind) => throughput.filter((t) => t.system === system && t.kind === kind);
  for (const kind of ['text', 'html'] as const) {
    const [f, a, e] = [of('floor', kind), of('raw-pool', kind), of('envoi', kind)];
    if (!f.length || !a.length) continue;
    const cpu = (x: Throughput, y: Throughput) => x.cpuMsPerMail.sut / y.cpuMsPerMail.sut;
    const rate = (x: Throughput, y: Throughput) => (100 * x.mailsPerSec) / y.mailsPerSec;
    const d = doubtful([...f, ...a, ...e]);
    out.push({ what: `CPU per mail, ${LABEL[kind]}`, floor: spread(perRun(f, a, cpu), 2), envoi: spread(perRun(e, f, cpu), 2), unit: 'x', doubtful: d });
    out.push({ what: `mails/s, ${LABEL[kind]}`, floor: spread(perRun(f, a, rate), 1), envoi: spread(perRun(e, f, rate), 1), unit: '%', doubtful: d });
  }
  const [f, x, e] = (['floor', 'express', 'envoi'] as const).map((t) => latency.filter((l) => l.target === t && l.rate === S.rate));
  if (f!.length && x!.length) {
    const p99 = (a: Latency, b: Latency) => a.p99 / b.p99;
    out.push({ what: `p99 at ${S.rate} req/s, delivering in the same process (floor / bare express)`, floor: spread(perRun(f!, x!, p99), 2), envoi: spread(perRun(e!, f!, p99), 2), unit: 'x', doubtful: doubtful([...f!, ...x!, ...e!]) });
  }
  return out;
}

export interface FeelRow {
  what: string;
  envoi: Spread;
  reference: number;
  unit: 'ms' | 'mails/s';
  /** Per run: reference / Envoi for a wait (how many times shorter Envoi's is), Envoi / reference for mails/s. */
  ratio: Spread;
  doubtful: boolean;
}

/**
 * What a workflow feels: the wait of a step that calls execute against one that sends its mail
 * itself through a new transport and waits for it; and the mails/s of each way.
 */
export function workflowFeel(throughput: Throughput[], latency: Latency[]): FeelRow[] {
  const out: FeelRow[] = [];
  const serial = (kind: Kind) => throughput.find((t) => t.system === 'raw-new-serial' && t.kind === kind);
  const ref = serial('text');
  const exec = latency.filter((l) => l.target === 'envoi' && l.rate === S.rate);
  if (ref?.perSendMs && exec.length) {
    for (const p of ['p50', 'p99'] as const) {
      const r = ref.perSendMs[p];
      out.push({ what: `a step waits, ${p} (1 KB text): execute at ${S.rate} req/s vs one send`, envoi: spread(exec.map((l) => l[p]), 2), reference: r, unit: 'ms', ratio: spread(exec.map((l) => r / l[p]), 1), doubtful: doubtful([ref, ...exec]) });
    }
  }
  for (const kind of ['text', 'html'] as const) {
    const r = serial(kind);
    const e = throughput.filter((t) => t.system === 'envoi' && t.kind === kind);
    if (!r || !e.length) continue;
    out.push({ what: `mails/s, ${LABEL[kind]}: Envoi vs one at a time`, envoi: spread(e.map((t) => t.mailsPerSec), 1), reference: r.mailsPerSec, unit: 'mails/s', ratio: spread(e.map((t) => t.mailsPerSec / r.mailsPerSec), 1), doubtful: doubtful([r, ...e]) });
  }
  return out;
}
