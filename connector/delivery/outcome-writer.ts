import { GroupCommit } from '../group-commit.js';
import type { Logger } from '../log.js';
import type { Foreground } from './foreground.js';
import type { DeliveryStore, FinishItem } from '../store/deliveries.js';
import { isStorageFailure } from '../store/storage-errors.js';

/** Told of every attempt once it is stored (metrics count it there, and the debug log tells it). */
export type AttemptRecorded = (item: FinishItem) => void;

/** Backoff between tries of a write the database refused: 100 ms doubling to 5 s. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** Tries of a write that failed for a reason other than storage (a bug would not pass by waiting). */
const OTHER_ERROR_TRIES = 5;

/**
 * Writes the results of a worker's attempts. A result that cannot be written (a full disk, a lost
 * database) is tried again with backoff for as long as it takes, since its delivery would
 * otherwise go out again once its lease ran out; meanwhile the worker keeps renewing that lease
 * and claims nothing new (`pending`). Results that end together are written together.
 */
export class OutcomeWriter {
  private unwritten = 0;
  private readonly group: GroupCommit<FinishItem, boolean>;

  constructor(private readonly opts: { store: DeliveryStore; worker: string; logger: Logger; onRecorded?: AttemptRecorded | undefined; foreground?: Foreground }) {
    // Executes under way go first; the outcomes that arrive meanwhile join the group.
    this.group = new GroupCommit(async (items: FinishItem[]) => {
      await opts.foreground?.quiet();
      return opts.store.finishMany(opts.worker, items);
    }, { max: 100 });
  }

  /** Results (and the reads they need) not written yet. */
  get pending(): number {
    return this.unwritten;
  }

  /** Records an attempt and where it leaves its delivery; false when the lease was lost meanwhile. */
  async write(item: FinishItem, giveUp?: AbortSignal): Promise<boolean> {
    const stored = await this.persist(`record attempt ${item.attempt.number}`, item.id, () => this.group.add(item), giveUp);
    if (stored) {
      const { attempt, next } = item;
      this.opts.logger.debug('attempt recorded', {
        deliveryId: item.id, number: attempt.number, outcome: attempt.outcome, code: attempt.code, durationMs: attempt.durationMs,
        connectionId: attempt.connection?.id, next: next.status, ...('dueAt' in next ? { nextAttemptAt: new Date(next.dueAt).toISOString() } : {}),
      });
      this.opts.onRecorded?.(item);
    }
    return stored;
  }

  /**
   * Runs a database step of recording an outcome until it succeeds. Storage failures are tried
   * again until `giveUp` aborts; other errors a few times. Counts as pending while it runs.
   */
  async persist<T>(what: string, deliveryId: string, step: () => Promise<T>, giveUp?: AbortSignal): Promise<T> {
    this.unwritten++;
    try {
      for (let tries = 1; ; tries++) {
        try {
          const result = await step();
          if (tries > 1) this.opts.logger.info('recorded an attempt after the database came back', { deliveryId, tries });
          return result;
        } catch (err) {
          const storage = isStorageFailure(err);
          if (giveUp?.aborted || (!storage && tries >= OTHER_ERROR_TRIES)) throw err;
          // One line at the first failure and then now and then, not one per try.
          if (tries === 1 || tries % 20 === 0) this.opts.logger.error(`could not ${what}; trying again`, { deliveryId, worker: this.opts.worker, tries, storage, err });
          await pause(Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(tries - 1, 10)), giveUp);
        }
      }
    } finally {
      this.unwritten--;
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
