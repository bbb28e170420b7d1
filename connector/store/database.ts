import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import * as m20261123_01 from '../migrations/20261123_01_connections_and_keys.js';
import * as m20261123_02 from '../migrations/20261123_02_outbox.js';
import * as m20261123_03 from '../migrations/20261123_03_templates.js';
import * as m20261123_04 from '../migrations/20261123_04_rate_limits_and_health.js';
import * as m20261123_05 from '../migrations/20261123_05_due_index.js';
import * as m20261130_01 from '../migrations/20261130_01_outcome_unknown.js';
import * as m20261130_02 from '../migrations/20261130_02_fair_claim_index.js';
import * as m20261130_03 from '../migrations/20261130_03_attempt_stage.js';
import * as m20261130_04 from '../migrations/20261130_04_failover.js';
import * as m20261130_05 from '../migrations/20261130_05_provider_message_id.js';
import * as m20261130_06 from '../migrations/20261130_06_idempotency_input_hash.js';
import * as m20261130_07 from '../migrations/20261130_07_events.js';
import * as m20261130_13 from '../migrations/20261130_13_inbound_tokens.js';
import * as m20261130_14 from '../migrations/20261130_14_bounce_mailbox_uids.js';
import * as m20261130_21 from '../migrations/20261130_21_dkim.js';
import * as m20261130_22 from '../migrations/20261130_22_sandbox.js';
import * as m20261130_31 from '../migrations/20261130_31_delivery_stats.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  close(): Promise<void>;
}

// Migrations are listed here rather than discovered on disk, so the compiled build and the
// TypeScript sources can never disagree about which ones exist. Names are dated; append only.
const MIGRATIONS: Array<[string, Knex.Migration]> = [
  ['20261123_01_connections_and_keys', m20261123_01],
  ['20261123_02_outbox', m20261123_02],
  ['20261123_03_templates', m20261123_03],
  ['20261123_04_rate_limits_and_health', m20261123_04],
  ['20261123_05_due_index', m20261123_05],
  ['20261130_01_outcome_unknown', m20261130_01],
  ['20261130_02_fair_claim_index', m20261130_02],
  ['20261130_03_attempt_stage', m20261130_03],
  ['20261130_04_failover', m20261130_04],
  ['20261130_05_provider_message_id', m20261130_05],
  ['20261130_06_idempotency_input_hash', m20261130_06],
  ['20261130_07_events', m20261130_07],
  ['20261130_13_inbound_tokens', m20261130_13],
  ['20261130_14_bounce_mailbox_uids', m20261130_14],
  ['20261130_21_dkim', m20261130_21],
  ['20261130_22_sandbox', m20261130_22],
  ['20261130_31_delivery_stats', m20261130_31],
];

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS.find(([n]) => n === name)![1],
};

/**
 * Knex and its pool write their warnings (a dropped connection, a failed acquire) with
 * console.warn by default: plain text on stderr, where Envoi writes JSON lines only.
 */
function knexLog(logger: Logger): Knex.Config['log'] {
  const line = (m: unknown) => ({ detail: (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m) ?? '').split('\n')[0] });
  return {
    warn: (m: unknown) => logger.warn('database driver warning', line(m)),
    error: (m: unknown) => logger.error('database driver error', line(m)),
    deprecate: (method: string, alternative: string) => logger.debug('database driver deprecation', { method, alternative }),
    debug: (m: unknown) => logger.debug('database driver', line(m)),
  };
}

/** Opens the database of the config (SQLite in the data dir, or PostgreSQL) without migrating. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, logger: Logger = createLogger()): Database {
  const log = knexLog(logger);
  if (config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    const knex = knexFactory({
      client: 'pg',
      connection: config.databaseUrl,
      pool: { min: 0, max: 10 },
      log,
    });
    return { knex, dialect: 'postgres', close: () => knex.destroy() };
  }
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const filename = path.join(config.dataDir, 'envoi.sqlite');
  const knex = knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    log,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, c: unknown) => void) {
        // WAL lets readers run beside the writer; busy_timeout waits out a writer in another
        // process instead of failing with SQLITE_BUSY; secure_delete zeroes deleted content so a
        // deleted connection's sealed secrets do not linger in free pages.
        conn.exec(
          'PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = NORMAL;',
          (err) => done(err, conn),
        );
      },
    },
  });
  return { knex, dialect: 'sqlite', close: () => knex.destroy() };
}

/**
 * Brings the schema up to date. Several processes may start at once: knex's migration lock keeps
 * two from migrating together, but creating that lock table is itself a race on a fresh
 * database, so on PostgreSQL the whole step runs under a session advisory lock, and on either
 * database a start that loses a race tries again.
 */
export async function migrate(db: Database): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (db.dialect !== 'postgres') {
        const [, applied] = (await db.knex.migrate.latest({ migrationSource })) as [number, string[]];
        return applied;
      }
      return await db.knex.transaction(async (trx) => {
        // A transaction-scoped advisory lock: held on this connection until commit, released
        // even if the process dies.
        await trx.raw("SELECT pg_advisory_xact_lock(hashtext('envoi:migrations'))");
        const [, applied] = (await db.knex.migrate.latest({ migrationSource })) as [number, string[]];
        return applied;
      });
    } catch (err) {
      if (attempt >= 5 || !/already exists|duplicate key|SQLITE_BUSY|locked|Migration table is already locked/i.test(String((err as Error)?.message))) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 200));
    }
  }
}

/** Migrations of this version not applied to the database yet (empty when the schema is current). */
export async function pendingMigrations(db: Database): Promise<string[]> {
  // Our source lists migrations by name, so knex hands the pending ones back as names.
  const [, pending] = (await db.knex.migrate.list({ migrationSource })) as [unknown[], string[]];
  return pending;
}

/** True when the error is a unique-constraint violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(e.message ?? '');
}
