/**
 * The delivery worker thread's entry (see worker-thread.ts): `envoi worker` on a thread of the
 * server's process. It opens its own Envoi with the delivery worker only (the server keeps the
 * webhook worker and the bounce poller) and bridges what the server needs to hear.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { parsePortList } from '../config.js';
import { createEnvoi } from '../envoi.js';
import { createLogger } from '../log.js';
import type { CountedAttempt } from '../metrics.js';
import { perTurn, type FromThread, type ThreadData, type ToThread } from './worker-thread.js';

const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);
const { config: given, allowedEndpoints } = workerData as ThreadData;
const config = Object.freeze({ ...given, allowedPorts: parsePortList(given.allowedPorts) });
const logger = createLogger();

/**
 * Executes answer first: where the cores are all busy, the scheduler gives this thread a smaller
 * share than the server's (nice 10: about a tenth of a core's time against one at 0). Idle cores
 * it still uses in full, so mail goes as fast when executes leave room. Linux sets a nice value
 * per thread (setpriority(2) on the thread's id, found through /proc/thread-self); elsewhere
 * the thread keeps the process's priority.
 */
const WORKER_THREAD_NICE = 10;
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, Math.max(os.getPriority(tid), WORKER_THREAD_NICE));
} catch {
  // Not Linux, or no /proc: the same priority as the server.
}

const attempts = perTurn<string>((ids) => post({ t: 'attempts', ids }));
const recorded = perTurn<CountedAttempt>((items) => post({ t: 'recorded', items }));

try {
  const envoi = await createEnvoi(config, {
    logger,
    worker: true,
    deliveryOnly: true,
    allowedEndpoints,
    onDatabaseLost: (downForMs) => post({ t: 'databaseLost', downForMs }),
    onRecorded: (item) => recorded({ outcome: item.attempt.outcome, code: item.attempt.code, durationMs: item.attempt.durationMs }),
  });
  envoi.outbox.events.on('attempt', (id: string) => attempts(id));
  envoi.events.signals.on('queued', () => post({ t: 'webhooks' }));
  port.on('message', (m: ToThread) => {
    if (m.t === 'queued') for (const [id, connectionId, scope] of m.items) envoi.outbox.events.emit('queued', id, connectionId ? { connectionId, scope } : undefined);
    else if (m.t === 'changed') {
      envoi.mailer.evict(m.connectionId);
      envoi.worker!.forget(m.connectionId);
    } else if (m.t === 'endpoints') envoi.events.endpointsChanged();
    else if (m.t === 'stop') {
      void envoi
        .close()
        .catch((err: unknown) => logger.error('the delivery worker thread could not stop cleanly', { err }))
        .finally(() => {
          post({ t: 'stopped' });
          port.close();
        });
    }
  });
  post({ t: 'ready', workerId: envoi.worker!.id });
} catch (err) {
  post({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
  port.close();
}
