/**
 * What an Envoi process of the bench stores into, made fresh for each and removed at the end: a
 * temp data dir, and with DATABASE_URL (PostgreSQL) a throw-away database on that server, created
 * through DATABASE_URL by test/support's createPgDatabase; without, SQLite in the temp dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BASE_DB_URL = process.env.DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;

const tempDirs: string[] = [];
const createdDbs: Array<{ url: string; drop(): Promise<void> }> = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-bench-'));
  tempDirs.push(dir);
  return dir;
}

export async function freshDatabase(): Promise<string | undefined> {
  if (!BASE_DB_URL) return undefined;
  // Loaded only here: a run on SQLite never loads the test harness (nor pg) into the client.
  const { createPgDatabase } = await import('../../test/support/harness.js');
  const db = await createPgDatabase({ adminUrl: BASE_DB_URL, prefix: 'envoi_bench' });
  createdDbs.push(db);
  return db.url;
}

/** Drops the databases and removes the temp dirs made so far (a failure to drop is printed, not thrown). */
export async function removeAll(): Promise<void> {
  for (const db of createdDbs.splice(0)) {
    await db.drop().catch((err) => console.error(`could not drop ${new URL(db.url).pathname.slice(1)}: ${err}`));
  }
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
