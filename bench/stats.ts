/**
 * How fast `…/deliveries/stats` and a search of the delivery log answer with a million
 * deliveries (issue #17). Fills a throw-away SQLite and PostgreSQL database with
 * BENCH_STATS_ROWS deliveries (default 1,000,000) spread over the last 30 days, one in 50 with a
 * bounce and one in 200 with a complaint, then times each query (best of 3, after one warm-up).
 *
 *   npm run build && node dist/bench/stats.js
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDatabase, type Database } from '../connector/store/database.js';
import { deliveryStats } from '../connector/store/delivery-stats.js';
import { DeliveryStore } from '../connector/store/deliveries.js';
import { statsRange } from '../lib/operations/delivery-query.js';
import { createPgDatabase } from '../test/support/harness.js';

const ROWS = Number(process.env.BENCH_STATS_ROWS ?? 1_000_000);
const PG_URL = process.env.ENVOI_BENCH_PG_URL ?? process.env.ENVOI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SPREAD_S = 30 * 86_400;

/** One INSERT … SELECT over a generated series: the rows never cross the wire. */
async function fill(db: Database, now: Date): Promise<void> {
  const step = SPREAD_S / ROWS;
  const isPg = db.dialect === 'postgres';
  const series = isPg ? `generate_series(0, ${ROWS - 1}) AS s(i)` : `(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS - 1}) SELECT i FROM s) AS s`;
  const at = isPg
    ? `to_char((?::timestamptz AT TIME ZONE 'UTC') - i * interval '${step} seconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : `strftime('%Y-%m-%dT%H:%M:%fZ', ?, '-' || (i * ${step}) || ' seconds')`;
  const status = `CASE WHEN i % 20 = 3 THEN 'failed' WHEN i % 20 = 7 THEN 'queued' ELSE 'sent' END`;
  await db.knex.raw(
    `INSERT INTO deliveries (id, scope, connection_id, connection_scope, connection_name, action, status, subject, recipients, envelope, size, message_id, attempts, max_attempts, due_at, created_at, updated_at)
     SELECT 'd' || i, CASE WHEN i % 10 = 0 THEN 'globex' ELSE 'acme' END, 'c1', 'platform', 'main', 'send-email', ${status}, 'Invoice ' || i,
            '["user' || i || '@example.com"]', '{}', 1000, '<' || i || '@envoi.test>', 1, 5, 0, ${at}, ${at}
       FROM ${series}`,
    [now.toISOString(), now.toISOString()],
  );
  await db.knex.raw(
    `INSERT INTO delivery_events (id, delivery_id, scope, type, recipient, at, source)
     SELECT 'e' || id, id, scope, CASE WHEN (substr(id, 2) ${isPg ? '::int' : '+ 0'}) % 200 = 2 THEN 'complained' ELSE 'bounced' END, 'x@example.com', created_at, 'dsn'
       FROM deliveries WHERE (substr(id, 2) ${isPg ? '::int' : '+ 0'}) % 50 = 2`,
  );
  // Fresh statistics, as a database that grew to this size over time would have.
  await db.knex.raw('ANALYZE');
}

async function time(label: string, fn: () => Promise<unknown>): Promise<string> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return `  ${label.padEnd(52)} ${best.toFixed(1).padStart(8)} ms`;
}

async function measure(db: Database, name: string): Promise<void> {
  const now = new Date();
  const t0 = Date.now();
  await fill(db, now);
  const n = await db.knex('deliveries').count({ n: '*' }).first();
  console.log(`${name}: ${n?.n} deliveries inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const knex = db.knex;
  const store = new DeliveryStore(knex);
  const at = now.getTime();
  const range = (q: Record<string, string>) => statsRange(q, at);
  const stats = (q: Record<string, string>) => () => { const r = range(q); return deliveryStats(knex, 'acme', r.since, r.until, r.bucket); };
  const week = await stats({})();
  console.log(`  (default range: ${week.totals.sent} sent, ${week.totals.failed} failed, ${week.totals.bounced} bounced in ${week.buckets.length} buckets)`);
  console.log(await time('stats, last 7 days by day (the default)', stats({})));
  console.log(await time('stats, last 24 hours by hour', stats({ bucket: 'hour', since: new Date(at - 86_400_000).toISOString() })));
  console.log(await time('stats, last 31 days by hour (the widest)', stats({ bucket: 'hour', since: new Date(at - 31 * 86_400_000).toISOString() })));
  console.log(await time('stats, last 366 days by day (everything)', stats({ since: new Date(at - 366 * 86_400_000).toISOString() })));
  console.log(await time('list, newest 50', () => store.list('acme', { limit: 50 })));
  console.log(await time('list, subject contains "invoice 99", 50', () => store.list('acme', { subject: 'invoice 99', limit: 50 })));
  console.log(await time('list, recipient "user123456@", 50 (one match)', () => store.list('acme', { recipient: 'user123456@', limit: 50 })));
  console.log(await time('list, failed in the last day, 50', () => store.list('acme', { status: 'failed', since: new Date(at - 86_400_000).toISOString(), limit: 50 })));
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-stats-'));
  const sqlite = openDatabase({ dataDir: dir, databaseUrl: undefined });
  try {
    await migrate(sqlite);
    await measure(sqlite, 'SQLite');
  } finally {
    await sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgDb = await createPgDatabase({ adminUrl: PG_URL, prefix: 'envoi_bench' });
  const pgConn = openDatabase({ dataDir: dir, databaseUrl: pgDb.url });
  try {
    await migrate(pgConn);
    await measure(pgConn, 'PostgreSQL');
  } finally {
    await pgConn.close();
    await pgDb.drop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
