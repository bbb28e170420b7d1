/** Text tables for the report, and how a figure is written in them. */
import { LOAD_WARN, OTHER_WARN, type Conditions } from './conditions.js';
import type { Spread } from './numbers.js';

export function table(head: string[], rows: Array<Array<string | number>>, right = new Set<number>()): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(r.map(String)))].join('\n');
}

/** Every column from `from` on, right-aligned. */
export const rightFrom = (from: number, to: number) => new Set(Array.from({ length: to - from }, (_, i) => from + i));

export const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** A figure over the runs: the median, then (lowest-highest) when the runs differ. */
export function sp(s: Spread, d = 1, unit = ''): string {
  const m = `${fmt(s.median, d)}${unit}`;
  return s.values.length > 1 && fmt(s.min, d) !== fmt(s.max, d) ? `${m} (${fmt(s.min, d)}-${fmt(s.max, d)})` : m;
}

/** The `load` and `others` cells of a figure's row, each marked `!` past its limit (the figure is then unreliable). */
export const conditionCells = (c: Conditions): [string, string] => [
  `${fmt(c.load, 2)}${c.load > LOAD_WARN ? ' !' : ''}`,
  c.otherCpus === undefined ? '-' : `${fmt(c.otherCpus, 2)}${c.otherCpus > OTHER_WARN ? ' !' : ''}`,
];
