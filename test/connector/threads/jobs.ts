import { EnvoiError } from '../../../connector/errors.js';
import type { JobContext } from '../../../connector/threads/job.js';

/** Job kinds the pool tests run on pool threads (loaded by URL, like the real jobs). */
export type TestJob =
  | { kind: 'echo'; value: unknown }
  | { kind: 'spin' }
  | { kind: 'hog' }
  | { kind: 'refuse' }
  | { kind: 'recurse' };

const recurse = (n: number): number => recurse(n + 1) + 1;

export function run(job: TestJob, _ctx: JobContext): unknown {
  switch (job.kind) {
    case 'echo':
      return { value: job.value, thread: true };
    case 'spin':
      // Never yields and never checks its deadline: only the pool can stop it.
      for (;;);
    case 'hog': {
      const held: string[][] = [];
      for (;;) held.push(Array.from({ length: 100_000 }, (_, i) => `${i}-${held.length}`));
    }
    case 'refuse':
      throw new EnvoiError('VALIDATION_FAILED', 'refused', { hint: 'h', details: [{ path: '/x', message: 'bad' }], extra: { line: 3 } });
    case 'recurse':
      return recurse(0);
  }
}
