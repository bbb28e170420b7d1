/**
 * The delivery worker on its own thread (ENVOI_WORKER_THREAD=on; issue #18, "execute answers
 * first"). In one event loop an execute waits behind the worker's callbacks. On its own thread
 * the worker has its own event loop, its own database connection (SQLite's WAL lets the thread's
 * claims and the server's inserts interleave) and a lower CPU priority. It costs a second V8
 * isolate with the delivery modules loaded again (about 70 MB), and on 2 cores, where the thread
 * shares the cores with everything else, it measured 11 % faster end to end and within the noise
 * on latency (bench/README.md), so it is not the default.
 *
 * What crosses between the threads is small and one-way each: new mail and connection changes
 * go to the worker (it would otherwise find them at its next poll); ended attempts (`?wait`),
 * counted attempts (/metrics), webhook messages written, and a lost database come back. The
 * thread is `envoi worker` in all but its process: the same createEnvoi, claims, leases and
 * shutdown (design.md "Durable delivery"), so a crash of either loses nothing a lease does not
 * bring back.
 */
import { Worker as Thread } from 'node:worker_threads';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { NetworkPolicy } from '../network-policy.js';
import type { CountedAttempt } from '../metrics.js';

/** What the server tells the thread. */
export type ToThread =
  | { t: 'queued'; items: Array<[id: string, connectionId: string, scope: string]> }
  | { t: 'changed'; connectionId: string }
  | { t: 'endpoints' }
  | { t: 'stop' };

/** What the thread tells the server. */
export type FromThread =
  | { t: 'ready'; workerId: string }
  | { t: 'attempts'; ids: string[] }
  | { t: 'recorded'; items: CountedAttempt[] }
  | { t: 'webhooks' }
  | { t: 'databaseLost'; downForMs: number }
  | { t: 'stopped' }
  | { t: 'failed'; message: string };

export interface ThreadData {
  /** The server's config; its port list (a function) travels as its text. */
  config: Omit<Config, 'allowedPorts'> & { allowedPorts: string };
  allowedEndpoints: NetworkPolicy['allowedEndpoints'];
}

export interface WorkerThreadOptions {
  config: Config;
  allowedEndpoints: NetworkPolicy['allowedEndpoints'];
  logger: Logger;
  onAttempt: (id: string) => void;
  onRecorded: (item: { attempt: CountedAttempt }) => void;
  onWebhooks: () => void;
  onDatabaseLost?: ((downForMs: number) => void) | undefined;
}

/** Collects items and hands over each turn of the event loop's as one batch: one message between the threads, not hundreds a second. */
export function perTurn<T>(send: (items: T[]) => void): (item: T) => void {
  let items: T[] = [];
  return (item) => {
    items.push(item);
    if (items.length > 1) return;
    setImmediate(() => {
      const batch = items;
      items = [];
      send(batch);
    });
  };
}

/** A thread that has not said it stopped this long after its grace is ended by force. */
const STOP_MARGIN_MS = 10_000;
/** A thread that died on its own comes back after this (its leases bring its mail back). */
const RESTART_MS = 1000;

/** The server's handle on the delivery worker thread: started, told, stopped. */
export class WorkerThread {
  private thread: Thread | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** New mail of one turn of the event loop, sent as one message. */
  private readonly queued = perTurn<[string, string, string]>((items) => this.post({ t: 'queued', items }));
  private stopped: (() => void) | undefined;

  constructor(private readonly opts: WorkerThreadOptions) {}

  /** Starts the thread and resolves once its worker runs (or rejects when it could not start). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const data: ThreadData = { config: { ...this.opts.config, allowedPorts: this.opts.config.allowedPorts.text }, allowedEndpoints: this.opts.allowedEndpoints };
      const thread = new Thread(new URL('./worker-thread-main.js', import.meta.url), { workerData: data });
      this.thread = thread;
      let started = false;
      thread.on('message', (m: FromThread) => {
        if (m.t === 'ready') {
          started = true;
          this.opts.logger.info('delivery worker started on its own thread', { worker: m.workerId });
          resolve();
        } else if (m.t === 'failed' && !started) reject(new Error(m.message));
        else this.received(m);
      });
      thread.on('error', (err) => {
        this.opts.logger.error('the delivery worker thread failed', { err });
        if (!started) reject(err);
      });
      thread.on('exit', (code) => {
        if (this.thread === thread) this.thread = undefined;
        this.stopped?.();
        if (this.stopping || !started) return;
        // Its leases run out and this thread's next worker, or another, takes the mail back.
        this.opts.logger.error('the delivery worker thread stopped unexpectedly; starting it again', { code });
        this.restartTimer = setTimeout(() => {
          this.start().catch((err: unknown) => this.opts.logger.error('could not start the delivery worker thread again', { err }));
        }, RESTART_MS);
        this.restartTimer.unref();
      });
    });
  }

  private received(m: FromThread): void {
    if (m.t === 'attempts') for (const id of m.ids) this.opts.onAttempt(id);
    else if (m.t === 'recorded') for (const attempt of m.items) this.opts.onRecorded({ attempt });
    else if (m.t === 'webhooks') this.opts.onWebhooks();
    else if (m.t === 'databaseLost') this.opts.onDatabaseLost?.(m.downForMs);
    else if (m.t === 'stopped') this.stopped?.();
  }

  /** New mail: the worker claims at once instead of at its next poll. Batched per turn of the loop. */
  queuedMail(id: string, of: { connectionId: string; scope: string } | undefined): void {
    this.queued([id, of?.connectionId ?? '', of?.scope ?? '']);
  }

  /** A connection was edited, deleted or is healthy again: the worker forgets what it knew of it. */
  connectionChanged(connectionId: string): void {
    this.post({ t: 'changed', connectionId });
  }

  /** A webhook endpoint was created, edited or deleted: the thread's events find it at once. */
  endpointsChanged(): void {
    this.post({ t: 'endpoints' });
  }

  private post(m: ToThread): void {
    this.thread?.postMessage(m);
  }

  /** Stops the worker as `envoi worker` stops on SIGTERM (design.md; the thread has the same shutdownGraceMs), then ends the thread. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const thread = this.thread;
    if (!thread) return;
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    this.post({ t: 'stop' });
    const timer = setTimeout(() => void thread.terminate(), graceMs + STOP_MARGIN_MS);
    await done;
    clearTimeout(timer);
    await new Promise<void>((resolve) => (this.thread ? thread.once('exit', () => resolve()) : resolve()));
  }
}
