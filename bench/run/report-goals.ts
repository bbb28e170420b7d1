/** The report's verdicts: the goals of issue #18, and what a workflow step feels against the one-at-a-time reference. */
import type { FeelRow, FloorRow, Goal } from './summary.js';
import { fmt, rightFrom, sp, table } from './table.js';

const per = (g: { measured?: { values: number[] }; ratio?: { values: number[] } }, d: number) => (g.measured ?? g.ratio)!.values.map((v) => fmt(v, d)).join(', ');

export function printGoals(list: Goal[], runs: number): void {
  if (!list.length) return;
  console.log(`\nGoals of issue #18: each ratio taken per run against the baseline of the same run; the verdict is on the median (of ${runs} run${runs > 1 ? 's' : ''})`);
  console.log(
    table(
      ['goal', 'median (lowest-highest)', 'per run', 'limit', 'verdict'],
      list.map((g) => {
        const d = g.unit === 'x' ? 2 : 1;
        const unit = g.unit === '%' ? '%' : g.unit === 'x' ? 'x' : ' MB';
        return [g.what, sp(g.measured, d, unit), per(g, d), g.limit, `${g.met ? 'met' : 'NOT met'}${g.doubtful ? ' (!)' : ''}`];
      }),
      new Set([1]),
    ),
  );
  if (list.some((g) => g.doubtful)) console.log('   (!) a figure behind this verdict ran on a loaded machine (marked ! in its table) or fell short of its mails: measure again before relying on it');
}

export function printFeel(rows: FeelRow[]): void {
  if (!rows.length) return;
  console.log('\nWhat a workflow feels: Envoi against a step that sends its mail itself through a new transport, one at a time, and waits (reference measured once)');
  console.log(
    table(
      ['', 'Envoi', 'one at a time', 'ratio: median (lowest-highest)', 'per run'],
      rows.map((r) => {
        const [d, u] = r.unit === 'ms' ? [2, ' ms'] : [0, ' mails/s'];
        const ratio = `${sp(r.ratio, 1, 'x')}${r.unit === 'ms' ? ' shorter' : ''}`;
        return [`${r.what}${r.doubtful ? ' !' : ''}`, sp(r.envoi, d, u), `${fmt(r.reference, r.unit === 'ms' ? 2 : 1)}${u}`, ratio, per(r, 1)];
      }),
      rightFrom(1, 4),
    ),
  );
}

export function printFloor(rows: FloorRow[]): void {
  if (!rows.length) return;
  console.log('\nThe floor: an express route handing each execute body to pooled nodemailer (no key, validation, outbox or worker), per run against raw pooled (p99: against bare express), and Envoi against it');
  console.log(
    table(
      ['figure', 'floor / baseline', 'Envoi / floor'],
      rows.map((r) => {
        const d = r.unit === 'x' ? 2 : 1;
        const u = r.unit === 'x' ? 'x' : '%';
        return [`${r.what}${r.doubtful ? ' !' : ''}`, sp(r.floor, d, u), Number.isFinite(r.envoi.median) ? sp(r.envoi, d, u) : '-'];
      }),
      rightFrom(1, 3),
    ),
  );
}
