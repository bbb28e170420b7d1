import { expect } from 'chai';
import { EnvoiError } from '../../../connector/errors.js';
import { ThreadPool } from '../../../connector/threads/pool.js';
import { ScopeQueues } from '../../../connector/threads/scope-queues.js';
import type { TestJob } from './jobs.js';

const JOBS = new URL('./jobs.js', import.meta.url).href;

/** Runs a job and records when it settled, so a test can ask which finished first. */
function track<T>(p: Promise<T>) {
  const t = { settled: false, value: undefined as T | undefined, error: undefined as unknown, done: undefined as unknown as Promise<void> };
  t.done = p.then(
    (v) => void Object.assign(t, { settled: true, value: v }),
    (e: unknown) => void Object.assign(t, { settled: true, error: e }),
  );
  return t;
}

describe('ThreadPool: fair share and budgets', function () {
  this.timeout(30_000);
  // A short deadline keeps the suite quick; a healthy job here takes a few ms.
  const pool = new ThreadPool({ threads: 2, timeoutMs: 1500, memoryMb: 64 });
  const run = <T = unknown>(scope: string, job: TestJob) => pool.run<T>(scope, JOBS, job);
  after(() => pool.close());

  it('scopes are served round robin from their own queues', () => {
    const q = new ScopeQueues<string>();
    for (const x of ['a1', 'a2', 'a3']) q.push('a', x);
    q.push('b', 'b1');
    q.push('c', 'c1');
    const order: string[] = [];
    for (let next = q.take(() => true); next; next = q.take(() => true)) order.push(next.item);
    expect(order).to.deep.equal(['a1', 'b1', 'c1', 'a2', 'a3']);
  });

  it('a runaway job fails alone with BUDGET_EXCEEDED; another scope is served while it runs; its own queued job runs again', async () => {
    const runaway = track(run('acme', { kind: 'spin' }));
    const queuedBehind = track(run('acme', { kind: 'echo', value: 'after the runaway' }));
    // acme holds at most threads − 1 = 1 thread, so globex finds the other one free.
    const other = await run<{ value: string }>('globex', { kind: 'echo', value: 'hello' });
    expect(other.value).to.equal('hello');
    expect(runaway.settled, 'the runaway is still running when the other scope is answered').to.equal(false);
    await Promise.all([runaway.done, queuedBehind.done]);
    for (const t of [runaway]) {
      expect(t.error).to.be.instanceOf(EnvoiError);
      expect((t.error as EnvoiError).code).to.equal('BUDGET_EXCEEDED');
      expect((t.error as EnvoiError).status).to.equal(400);
      expect((t.error as EnvoiError).message).to.match(/longer than its budget of 1500 ms/);
      expect((t.error as EnvoiError).hint).to.match(/Simplify the template/);
    }
    expect(queuedBehind.error).to.equal(undefined);
    expect((queuedBehind.value as { value: string }).value).to.equal('after the runaway');
  });

  it('a job that outgrows the heap kills only its thread and fails with BUDGET_EXCEEDED; the next job gets a new thread', async () => {
    // Its own pool with a generous deadline: on a busy machine filling 64 MB may take longer than
    // the suite's 1.5 s, and then the deadline, not the heap, would stop it.
    const roomy = new ThreadPool({ threads: 2, timeoutMs: 20_000, memoryMb: 64 });
    try {
      const hog = track(roomy.run('acme', JOBS, { kind: 'hog' } satisfies TestJob));
      await hog.done;
      expect((hog.error as EnvoiError).code, String(hog.error)).to.equal('BUDGET_EXCEEDED');
      expect((hog.error as EnvoiError).message).to.match(/64 MB/);
      expect((await roomy.run<{ value: number }>('acme', JOBS, { kind: 'echo', value: 7 } satisfies TestJob)).value).to.equal(7);
    } finally {
      roomy.close();
    }
  });

  it('errors cross back: an EnvoiError keeps code, hint, details and extras; a stack overflow is a budget, not a 500', async () => {
    const refused = await run('acme', { kind: 'refuse' }).then(() => undefined, (e: unknown) => e as EnvoiError);
    expect(refused).to.be.instanceOf(EnvoiError);
    expect(refused!.toBody()).to.deep.equal({ code: 'VALIDATION_FAILED', message: 'refused', hint: 'h', details: [{ path: '/x', message: 'bad' }], line: 3 });
    const deep = await run('acme', { kind: 'recurse' }).then(() => undefined, (e: unknown) => e as EnvoiError);
    expect(deep!.code).to.equal('BUDGET_EXCEEDED');
    // A payload too deep to copy to a thread (structured clone recurses) is refused the same way.
    const nested = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) as unknown;
    const tooDeep = await run('acme', { kind: 'echo', value: nested }).then(() => undefined, (e: unknown) => e as EnvoiError);
    expect(tooDeep!.code).to.equal('BUDGET_EXCEEDED');
    expect((await run<{ value: number }>('acme', { kind: 'echo', value: 1 })).value).to.equal(1);
  });

  it('with 0 threads, jobs run inline and give the same results', async () => {
    const inline = new ThreadPool({ threads: 0, timeoutMs: 1500, memoryMb: 64 });
    expect(await inline.run('acme', JOBS, { kind: 'echo', value: [1, 'two'] })).to.deep.equal({ value: [1, 'two'], thread: true });
    const deep = await inline.run('acme', JOBS, { kind: 'recurse' }).then(() => undefined, (e: unknown) => e as EnvoiError);
    expect(deep!.code).to.equal('BUDGET_EXCEEDED');
    await inline.close();
  });
});
