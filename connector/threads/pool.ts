import { Worker } from 'node:worker_threads';
import { asBudget, budgetExceeded } from './budget.js';
import type { JobModule, JobReply, JobRequest } from './job.js';
import { ScopeQueues } from './scope-queues.js';
import { fromWire } from './wire.js';

export interface PoolOptions {
  /** Threads; 0 runs jobs on the event loop (no isolation: only the jobs' own checks bound them). */
  threads: number;
  /** A job's deadline, from when its thread takes it up. */
  timeoutMs: number;
  /** Old-generation heap of a thread; a job that needs more kills its thread and fails alone. */
  memoryMb: number;
  /** Jobs of one scope a thread runs at once (they overlap where a job waits on streams). */
  perThread?: number;
  /** What a job does, for messages: "Building the message". */
  label?: string;
}

interface Job {
  scope: string;
  handler: string;
  payload: unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Runs alone on its thread: it shared a thread that was stopped, so it may be the culprit. */
  solo: boolean;
  started: boolean;
  /** Threads that crashed under it; past MAX_RETRIES it fails rather than loop over new threads. */
  retries: number;
  timer?: NodeJS.Timeout | undefined;
}

const MAX_RETRIES = 3;
/** A thread's young generation, in MB (V8 splits it into its semi-spaces). */
const THREAD_YOUNG_MB = 16;

interface Thread {
  worker: Worker;
  slot: number;
  /** The scope whose jobs it runs; a thread runs one scope's jobs at a time. */
  scope: string | undefined;
  jobs: Map<number, Job>;
  dead: boolean;
}

/**
 * A fair, budgeted thread pool for untrusted work (rendering templates, building MIME). Jobs
 * carry the scope they run for and wait in per-scope queues served round robin. A thread runs
 * jobs of one scope at a time, so one scope's runaway job never holds up another scope's job on
 * that thread, and a scope holds at most max(1, threads − 1) threads, so another scope always
 * finds one. Every job has a deadline and every thread a heap limit: on overrun the thread is
 * terminated and replaced, the job fails alone with BUDGET_EXCEEDED, and the other jobs that were
 * on that thread run again (jobs are pure). Threads start on first use.
 */
export class ThreadPool {
  private readonly slots: Array<Thread | undefined>;
  private readonly queues = new ScopeQueues<Job>();
  private readonly perThread: number;
  private readonly label: string;
  private seq = 0;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {
    this.slots = new Array(Math.max(0, opts.threads)).fill(undefined);
    this.perThread = Math.max(1, opts.perThread ?? 8);
    this.label = opts.label ?? 'The job';
  }

  /** Runs `run` of the module at `handler` (a file URL) with `payload`, for `scope`. */
  run<R>(scope: string, handler: string, payload: unknown): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the thread pool is closed'));
    if (this.slots.length === 0) return this.runInline<R>(handler, payload);
    return new Promise<R>((resolve, reject) => {
      this.queues.push(scope, { scope, handler, payload, resolve: resolve as (v: unknown) => void, reject, solo: false, started: false, retries: 0 });
      this.pump();
    });
  }

  /** Jobs started and not finished, by scope, and jobs waiting (for tests and metrics). */
  stats(): { threads: number; waiting: number; running: Record<string, number> } {
    const running: Record<string, number> = {};
    for (const t of this.slots) for (const j of t?.jobs.values() ?? []) if (j.started) running[j.scope] = (running[j.scope] ?? 0) + 1;
    return { threads: this.slots.filter(Boolean).length, waiting: this.queues.size, running };
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopped = new Error('the thread pool is closed');
    for (const j of this.queues.drain()) j.reject(stopped);
    const running = this.slots.filter((t): t is Thread => t !== undefined);
    this.slots.fill(undefined);
    for (const t of running) {
      t.dead = true;
      for (const j of t.jobs.values()) {
        clearTimeout(j.timer);
        j.reject(stopped);
      }
    }
    await Promise.all(running.map((t) => t.worker.terminate()));
  }

  private async runInline<R>(handler: string, payload: unknown): Promise<R> {
    const mod = (await import(handler)) as JobModule<unknown, R>;
    try {
      return await mod.run(payload, { deadline: Date.now() + this.opts.timeoutMs });
    } catch (err) {
      throw asBudget(err);
    }
  }

  private held(scope: string): number {
    return this.slots.filter((t) => t && t.scope === scope && t.jobs.size > 0).length;
  }

  /** The slot a job of `scope` may go to now, or -1: an idle thread first, else one of its own. */
  private slotFor(scope: string, job: Job): number {
    const cap = Math.max(1, this.slots.length - 1);
    const idle = this.slots.findIndex((t) => !t || t.jobs.size === 0);
    if (idle >= 0 && this.held(scope) < cap) return idle;
    if (job.solo) return -1;
    let best = -1;
    this.slots.forEach((t, i) => {
      if (!t || t.scope !== scope || t.jobs.size >= this.perThread || [...t.jobs.values()].some((j) => j.solo)) return;
      if (best < 0 || t.jobs.size < this.slots[best]!.jobs.size) best = i;
    });
    return best;
  }

  private pump(): void {
    for (;;) {
      let slot = -1;
      const next = this.queues.take((scope, head) => (slot = this.slotFor(scope, head)) >= 0);
      if (!next) return;
      this.dispatch(slot, next.item);
    }
  }

  private dispatch(slot: number, job: Job): void {
    const thread = (this.slots[slot] ??= this.spawn(slot));
    const n = this.seq++;
    if (thread.jobs.size === 0) {
      thread.scope = job.scope;
      // Keep the process alive while a job runs, and only then.
      thread.worker.ref();
    }
    job.started = false;
    try {
      // Structured clone recurses: a payload nested 10,000 deep overflows the stack right here.
      thread.worker.postMessage({ n, handler: job.handler, payload: job.payload, timeoutMs: this.opts.timeoutMs } satisfies JobRequest);
    } catch (err) {
      if (thread.jobs.size === 0) {
        thread.scope = undefined;
        thread.worker.unref();
      }
      job.reject(asBudget(err));
      return;
    }
    thread.jobs.set(n, job);
  }

  private spawn(slot: number): Thread {
    // The young generation is bounded too: V8's flags are the process's, so a thread would take
    // the semi-spaces the event loop was started with, whatever they are; a job's garbage is small
    // and short-lived.
    const resourceLimits = { maxOldGenerationSizeMb: this.opts.memoryMb, maxYoungGenerationSizeMb: THREAD_YOUNG_MB };
    const worker = new Worker(new URL('./thread.js', import.meta.url), { resourceLimits });
    const thread: Thread = { worker, slot, scope: undefined, jobs: new Map(), dead: false };
    worker.unref();
    worker.on('message', (reply: JobReply) => this.onReply(thread, reply));
    let outOfMemory = false;
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') outOfMemory = true;
      else this.onDeath(thread, 'crash');
    });
    worker.on('exit', () => this.onDeath(thread, outOfMemory ? 'memory' : 'crash'));
    return thread;
  }

  private onReply(thread: Thread, reply: JobReply): void {
    const job = thread.jobs.get(reply.n);
    if (!job || thread.dead) return;
    if ('started' in reply) {
      job.started = true;
      job.timer = setTimeout(() => this.onDeath(thread, 'time'), this.opts.timeoutMs);
      job.timer.unref();
      return;
    }
    clearTimeout(job.timer);
    thread.jobs.delete(reply.n);
    if (thread.jobs.size === 0) {
      thread.scope = undefined;
      thread.worker.unref();
    }
    if ('result' in reply) job.resolve(reply.result);
    else job.reject(fromWire(reply.error));
    this.pump();
  }

  /**
   * A thread overran a deadline, its heap, or stopped. A job that ran alone on it fails with
   * BUDGET_EXCEEDED (or, for a crash it did not cause twice, runs again alone); jobs that shared
   * it run again, alone, so the next overrun names the culprit; jobs it had not begun run again.
   */
  private onDeath(thread: Thread, reason: 'time' | 'memory' | 'crash'): void {
    if (thread.dead) return;
    thread.dead = true;
    if (this.slots[thread.slot] === thread) this.slots[thread.slot] = undefined;
    if (reason === 'time') void thread.worker.terminate();
    const jobs = [...thread.jobs.values()];
    thread.jobs.clear();
    const started = jobs.filter((j) => j.started);
    for (const j of jobs) clearTimeout(j.timer);
    const alone = started.length === 1 ? started[0] : undefined;
    // Back to the front of their queues, in their order.
    for (const j of jobs.reverse()) {
      if (j === alone && (reason !== 'crash' || j.solo)) {
        j.reject(this.failure(reason));
        continue;
      }
      // Overruns always end with the culprit failing alone; a thread that keeps crashing might not.
      if (reason === 'crash' && ++j.retries > MAX_RETRIES) {
        j.reject(this.failure('crash'));
        continue;
      }
      if (j.started) j.solo = true;
      this.queues.push(j.scope, j, true);
    }
    if (!this.closed) this.pump();
  }

  private failure(reason: 'time' | 'memory' | 'crash'): Error {
    if (reason === 'time') return budgetExceeded('time', `${this.label} took longer than its budget of ${this.opts.timeoutMs} ms and was stopped`);
    if (reason === 'memory') return budgetExceeded('memory', `${this.label} needed more than its budget of ${this.opts.memoryMb} MB of memory and was stopped`);
    return new Error(`${this.label} stopped: its thread exited under it more than once`);
  }
}
