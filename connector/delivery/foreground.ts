/**
 * Execute answers first. In one process the worker and the executes share the event loop and,
 * on SQLite, the one database connection: a claim or a group of outcomes that the worker starts
 * while an execute is on its way to the outbox makes that execute wait behind it (bench: p99 of
 * execute 4-7x a bare route's with the worker delivering). So the worker's statements wait while
 * any execute is between its arrival and its stored delivery, for at most `maxWaitMs`: under a
 * steady stream of executes the worker still runs, with bigger claims and bigger groups.
 */
export class Foreground {
  private active = 0;
  private readonly waiters = new Set<() => void>();

  /** Marks an execute under way; call the answer when its delivery is stored (or it failed). */
  enter(): () => void {
    this.active++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.active === 0) for (const w of [...this.waiters]) w();
    };
  }

  /** Resolves once no execute is under way, or after `maxWaitMs`, whichever comes first. */
  quiet(maxWaitMs = FOREGROUND_WAIT_MS): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.waiters.add(done);
    });
  }
}

/** The longest a worker statement waits for executes: a claim at most every 10 ms under load. */
export const FOREGROUND_WAIT_MS = 10;
