import type { Config } from '../../connector/config.js';
import { skipUnlessCI } from './env.js';
import { type Backend, TestEnvoi } from './harness.js';
import { SmtpSink, type SinkOptions } from './smtp-sink.js';

/** What a suite on one backend gets: sinks that are closed with it. */
export interface BackendSuite {
  /** Starts a sink (over `sinkDefaults`) that the suite closes in its `after` hook. */
  sink(o?: SinkOptions): Promise<SmtpSink>;
}

/**
 * Registers the hooks of a suite that runs on one database: before, a fresh database and a
 * TestEnvoi on it, handed to `started` (the suite is skipped where the backend is unavailable,
 * see env.ts); after, the server, the sinks and the database go away.
 */
export function onBackend(
  backend: Backend,
  options: { overrides?: Partial<Config>; sinkDefaults?: SinkOptions },
  started: (envoi: TestEnvoi) => void | Promise<void>,
): BackendSuite {
  let envoi: TestEnvoi | undefined;
  let drop: (() => Promise<void>) | undefined;
  const sinks: SmtpSink[] = [];

  before(async function () {
    const db = await backend.create();
    if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
    drop = db.drop;
    envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, ...(options.overrides ? { overrides: options.overrides } : {}) }).start();
    await started(envoi);
  });
  after(async () => {
    await envoi?.stop();
    await Promise.all(sinks.map((s) => s.close()));
    await drop?.();
  });

  return {
    async sink(o = {}) {
      const s = await new SmtpSink({ ...options.sinkDefaults, ...o }).start();
      sinks.push(s);
      return s;
    },
  };
}
