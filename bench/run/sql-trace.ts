/** SQL tracing (BENCH_TRACE_SQL=1): Envoi's statements by kind, and how busy its database connection is. */
import { performance } from 'node:perf_hooks';
import { round } from './numbers.js';

export interface SqlSnapshot {
  ms: number;
  /** Statements by their first words, with how many and the mean ms from sent to answered. */
  statements: Record<string, { n: number; meanMs: number }>;
  total: number;
  acquisitions: number;
  /** Mean and total ms spent waiting for a pooled connection. */
  waitMeanMs: number;
  waitTotalMs: number;
  /** Mean number of connections checked out over the wall time (SQLite has one: 1 = always busy). */
  heldShare: number;
}

export interface SqlTrace {
  snapshot(): SqlSnapshot;
  reset(): void;
}

export function traceSql(knex: { client: any }): SqlTrace {
  const client = knex.client;
  let since = performance.now();
  let statements = new Map<string, { n: number; ms: number; timed: number }>();
  const started = new Map<string, { key: string; t: number }>();
  const requested = new Map<number, number>();
  const heldSince = new Map<unknown, number>();
  let acquisitions = 0;
  let waitTotal = 0;
  let heldTotal = 0;
  // "select connections", "update deliveries returning" (a claim), "BEGIN;", …
  const keyOf = (sql: string) => {
    const text = sql.replace(/\s+/g, ' ').trim();
    const verb = text.split(' ')[0]!.toLowerCase();
    const table = /\b(?:from|into|update)\s+[`"]?(\w+)/i.exec(text)?.[1];
    return table ? `${verb} ${table}${/\breturning\b/i.test(text) && verb !== 'insert' ? ' returning' : ''}` : text.slice(0, 24);
  };
  client.on('query', (q: { sql: string; __knexQueryUid?: string }) => {
    const key = keyOf(String(q.sql));
    const st = statements.get(key) ?? { n: 0, ms: 0, timed: 0 };
    st.n++;
    statements.set(key, st);
    if (q.__knexQueryUid) started.set(q.__knexQueryUid, { key, t: performance.now() });
  });
  const done = (_r: unknown, q: { __knexQueryUid?: string }) => {
    const s = q?.__knexQueryUid ? started.get(q.__knexQueryUid) : undefined;
    if (!s) return;
    started.delete(q.__knexQueryUid!);
    const st = statements.get(s.key);
    if (st) {
      st.ms += performance.now() - s.t;
      st.timed++;
    }
  };
  client.on('query-response', done);
  client.on('query-error', (_e: unknown, q: { __knexQueryUid?: string }) => done(undefined, q));
  const pool = client.pool;
  pool?.on('acquireRequest', (id: number) => requested.set(id, performance.now()));
  pool?.on('acquireSuccess', (id: number, resource: unknown) => {
    const now = performance.now();
    const t = requested.get(id);
    requested.delete(id);
    if (t !== undefined) waitTotal += now - t;
    acquisitions++;
    heldSince.set(resource, now);
  });
  pool?.on('release', (resource: unknown) => {
    const t = heldSince.get(resource);
    heldSince.delete(resource);
    if (t !== undefined) heldTotal += performance.now() - Math.max(t, since);
  });
  return {
    snapshot() {
      const now = performance.now();
      let held = heldTotal;
      for (const t of heldSince.values()) held += now - Math.max(t, since);
      const out: SqlSnapshot['statements'] = {};
      let total = 0;
      for (const [k, v] of [...statements].sort((a, b) => b[1].n - a[1].n)) {
        out[k] = { n: v.n, meanMs: v.timed ? round(v.ms / v.timed, 3) : NaN };
        total += v.n;
      }
      return { ms: now - since, statements: out, total, acquisitions, waitMeanMs: acquisitions ? round(waitTotal / acquisitions, 3) : 0, waitTotalMs: round(waitTotal, 1), heldShare: round(held / (now - since), 3) };
    },
    reset() {
      since = performance.now();
      statements = new Map();
      acquisitions = 0;
      waitTotal = 0;
      heldTotal = 0;
    },
  };
}
