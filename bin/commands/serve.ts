import type { Logger } from '../../connector/log.js';
import { UsageError, type Command } from '../cli.js';

// The server and the connector load only when a command runs, so --help and --version answer at once.
const load = async () => ({
  ...(await import('../../connector/config.js')),
  ...(await import('../../connector/envoi.js')),
  ...(await import('../../connector/log.js')),
  ...(await import('../../server/start.js')),
});

/** Stops cleanly on SIGTERM/SIGINT: stop claiming, finish or release sends, close pools and the database. */
function stopOn(close: () => Promise<void>, logger: Logger): void {
  const stop = (signal: string) => {
    logger.info('stopping', { signal });
    close().then(
      () => process.exit(0),
      (err) => {
        logger.error('stop failed', { err });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** A worker whose database is gone exits non-zero, so its supervisor restarts it. */
function exitOnDatabaseLoss(logger: Logger) {
  return (downForMs: number) => {
    logger.error('database unreachable, exiting', { downForMs });
    process.exit(3);
  };
}

/** A port that cannot be listened on: one line that says what to do, not a stack trace. */
export class PortError extends Error {}

function portError(err: unknown, port: number): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return new PortError(`Port ${port} is in use: set PORT or stop the other process`);
  if (code === 'EACCES') return new PortError(`Port ${port} needs privileges this process lacks: set PORT to 1024 or above`);
  if (code === 'EADDRNOTAVAIL') return new PortError(`HOST ${process.env.HOST} is not an address of this machine: set HOST (e.g. 0.0.0.0 or 127.0.0.1)`);
  return err;
}

export const serve: Command = {
  name: 'serve',
  summary: 'the API and admin page on PORT (default 3000), with a delivery worker',
  help: `Usage: envoi serve [--demo]

Serves the API (/api/v1) and the admin page on PORT (default 3000; 0 picks a free port), with a
delivery worker in the same process. Prints one line with its URL; stops cleanly on SIGTERM.

Options:
  --demo      sandbox mode (ENVOI_SANDBOX=true: every mail is captured into the admin page's
              Mailbox tab, none leaves) with a local capture SMTP server and a "Local capture"
              connection, the platform default when there is none
  -h, --help  show this help

Environment: PORT, HOST (default 0.0.0.0), ENVOI_DATA_DIR, DATABASE_URL, ENVOI_ADMIN_KEY, … (see the README).`,
  options: { demo: { type: 'boolean', default: false } },
  async run(values) {
    const { loadConfig, createLogger, startServer } = await load();
    const config = loadConfig();
    const logger = createLogger();
    const server = await startServer(config, { logger, host: process.env.HOST || '0.0.0.0', demo: values.demo === true, onDatabaseLost: exitOnDatabaseLoss(logger) }).catch((err: unknown) => {
      throw portError(err, config.port);
    });
    // One line a person (or a script) can read the URL from.
    process.stdout.write(`Envoi ${server.envoi.db.dialect === 'postgres' ? 'on PostgreSQL' : 'on SQLite'} listening on ${server.url}\n`);
    if (server.capture) {
      process.stdout.write(`Demo mode: sandbox on, every mail lands in the Mailbox tab instead of leaving ("Local capture" SMTP server on ${server.capture.host}:${server.capture.port})\n`);
    }
    const noKeys = !config.adminKey && (await server.envoi.keys.list()).length === 0;
    if (noKeys && server.capture) {
      // A newcomer has no key yet; demo mode makes one so the page can be used at once.
      const key = await server.envoi.keys.create({ role: 'admin', scope: 'platform', label: 'demo (created at first start)' });
      process.stdout.write(`Sign in at ${server.url} with this platform admin key (shown once): ${key.key}\n`);
    } else if (noKeys) {
      process.stdout.write('No API key exists yet: create one with `npm run envoi -- keys create --role admin --scope platform`, or set ENVOI_ADMIN_KEY.\n');
    }
    stopOn(() => server.close(), logger);
  },
};

export const worker: Command = {
  name: 'worker',
  summary: 'a delivery worker alone (no HTTP), for scale-out',
  help: `Usage: envoi worker [--concurrency N]

A delivery worker without HTTP: claims due mail from the shared outbox and sends it. Run any
number of them against one PostgreSQL database (DATABASE_URL) to scale out. Stops cleanly on
SIGTERM; exits with code 3 when the database stays unreachable, so a supervisor restarts it.

Options:
  --concurrency N  sends at once (default ENVOI_WORKER_CONCURRENCY)
  -h, --help       show this help`,
  options: { concurrency: { type: 'string' } },
  async run(values) {
    const raw = values.concurrency;
    const concurrency = raw === undefined ? undefined : Number(raw);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new UsageError(`--concurrency must be a whole number of at least 1, not "${String(raw)}"`, 'worker');
    }
    const { loadConfig, createLogger, createEnvoi } = await load();
    const config = loadConfig(process.env, concurrency ? { workerConcurrency: concurrency } : {});
    const logger = createLogger();
    const envoi = await createEnvoi(config, { logger, worker: true, onDatabaseLost: exitOnDatabaseLoss(logger) });
    process.stdout.write(`Envoi worker ${envoi.worker!.id} on ${envoi.db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${config.workerConcurrency} sends at once\n`);
    stopOn(() => envoi.close(), logger);
  },
};
