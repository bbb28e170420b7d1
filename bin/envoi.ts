#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from '../connector/config.js';
import { createEnvoi } from '../connector/envoi.js';
import { EnvoiError } from '../connector/errors.js';
import { createLogger } from '../connector/log.js';
import { migrate, openDatabase } from '../connector/store/database.js';
import { ROLES, type Role } from '../connector/store/keys.js';
import { startServer } from '../server/start.js';

const USAGE = `Usage: envoi <command>

Commands:
  serve [--demo]            API and admin page on PORT (default 3000), with a delivery worker;
                            --demo adds a local capture SMTP server and a Mailbox tab
  worker [--concurrency N]  a delivery worker alone (no HTTP), for scale-out
  migrate                   bring the database schema up to date and exit
  keys create --role R --scope S [--label L]
                            create an API key (role: ${ROLES.join(', ')}; scope: platform or a tenant id)
                            and print it once

Configuration comes from the environment; see the README.`;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const logger = createLogger();
  const server = await startServer(config, { logger, host: process.env.HOST || '0.0.0.0', demo: values.demo, onDatabaseLost: exitOnDatabaseLoss(logger) });
  // One line a person (or a script) can read the URL from.
  process.stdout.write(`Envoi ${server.envoi.db.dialect === 'postgres' ? 'on PostgreSQL' : 'on SQLite'} listening on ${server.url}\n`);
  if (server.capture) {
    process.stdout.write(`Demo mode: mail sent through "Local capture" lands in the Mailbox tab (capture SMTP server on ${server.capture.host}:${server.capture.port})\n`);
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
}

/** Stops cleanly on SIGTERM/SIGINT: stop claiming, finish or release sends, close pools and the database. */
function stopOn(close: () => Promise<void>, logger: ReturnType<typeof createLogger>): void {
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
function exitOnDatabaseLoss(logger: ReturnType<typeof createLogger>) {
  return (downForMs: number) => {
    logger.error('database unreachable, exiting', { downForMs });
    process.exit(3);
  };
}

async function worker(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { concurrency: { type: 'string' } } });
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new EnvoiError('VALIDATION_FAILED', `--concurrency must be a whole number of at least 1, not "${values.concurrency}"`, { hint: 'e.g. npm run worker -- --concurrency 32' });
  }
  const config = loadConfig(process.env, concurrency ? { workerConcurrency: concurrency } : {});
  const logger = createLogger();
  const envoi = await createEnvoi(config, { logger, worker: true, onDatabaseLost: exitOnDatabaseLoss(logger) });
  process.stdout.write(`Envoi worker ${envoi.worker!.id} on ${envoi.db.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${config.workerConcurrency} sends at once\n`);
  stopOn(() => envoi.close(), logger);
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (command === 'serve') return serve([sub, ...rest].filter((a): a is string => a !== undefined));
  if (command === 'worker') return worker([sub, ...rest].filter((a): a is string => a !== undefined));
  if (command === 'migrate') {
    const db = openDatabase(loadConfig());
    try {
      const applied = await migrate(db);
      process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'keys' && sub === 'create') {
    const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, scope: { type: 'string' }, label: { type: 'string' } } });
    if (!values.role || !values.scope) throw new EnvoiError('VALIDATION_FAILED', 'keys create needs --role and --scope', { hint: 'e.g. envoi keys create --role admin --scope platform' });
    const envoi = await createEnvoi(loadConfig(), { logger: createLogger({ level: 'warn' }) });
    try {
      const key = await envoi.keys.create({ role: values.role as Role, scope: values.scope, label: values.label });
      process.stdout.write(`${key.key}\n`);
      process.stderr.write(`Created ${key.role} key ${key.id} for scope ${key.scope}. It is shown only this once.\n`);
    } finally {
      await envoi.close();
    }
    return;
  }
  process.stdout.write(USAGE + '\n');
  if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof EnvoiError) {
    process.stderr.write(`envoi: ${err.code}: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
  } else {
    process.stderr.write(`envoi: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
