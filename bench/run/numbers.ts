/** Small figures: rounding, percentiles, and the CPU and event-loop use of a process between two moments. */
import { performance } from 'node:perf_hooks';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A collection, in processes started with --expose-gc (every bench child is). */
export const gc = () => (globalThis as { gc?: () => void }).gc?.();
export const MB = (b: number) => Math.round((b / 1048576) * 10) / 10;

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface ProcStats {
  cpu: NodeJS.CpuUsage;
  elu: { idle: number; active: number };
  mem: NodeJS.MemoryUsage;
}

export function procStats(): ProcStats {
  const e = performance.eventLoopUtilization();
  return { cpu: process.cpuUsage(), elu: { idle: e.idle, active: e.active }, mem: process.memoryUsage() };
}

export const cpuMs = (a: ProcStats, b: ProcStats) => (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
export const eluOf = (a: ProcStats, b: ProcStats) => {
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
};

/** A figure measured once per run: its median (the mean of the middle two for an even count), lowest, highest, and each run's value in order. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function spread(values: number[], digits = 3): Spread {
  const ok = values.filter(Number.isFinite);
  if (!ok.length) return { median: NaN, min: NaN, max: NaN, values };
  const s = [...ok].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median: round(median, digits), min: round(s[0]!, digits), max: round(s.at(-1)!, digits), values: values.map((v) => round(v, digits)) };
}
