import type { Request, Response } from 'express';
import { VERSION, type Envoi } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { pendingMigrations } from '../../connector/store/database.js';
import { STORAGE_RETRY_AFTER_S } from '../../connector/store/storage-errors.js';

/** How long /ready waits for the database: a probe must answer while the prober still listens. */
const READY_TIMEOUT_MS = 3000;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Whether this process can serve: the database answers and its schema is the one this version
 * expects (design.md "HTTP API", GET /ready). /health says the process is up; /ready is what a
 * load balancer or an orchestrator's readiness probe should ask. The cause of a failure goes to
 * the log only: /ready needs no key, so its answer names no host, database or error text.
 */
export async function readiness(envoi: Envoi): Promise<{ status: 'ready'; database: string; version: string }> {
  try {
    await within(READY_TIMEOUT_MS, envoi.db.knex.raw('select 1'));
  } catch (err) {
    envoi.logger.warn('not ready: the database does not answer', { err });
    throw new EnvoiError('STORAGE_UNAVAILABLE', 'Not ready: the database does not answer (it is unreachable, stopped or out of space)', {
      cause: err,
      retryAfterS: STORAGE_RETRY_AFTER_S,
      hint: 'Bring the database back (check DATABASE_URL, the PostgreSQL server, or the disk of the data directory); this answers 200 once it is.',
    });
  }
  let pending: string[];
  try {
    pending = await within(READY_TIMEOUT_MS, pendingMigrations(envoi.db));
  } catch (err) {
    // knex refuses to list when the database holds migrations this version does not know.
    envoi.logger.warn('not ready: could not compare the database schema with this version', { err });
    throw new EnvoiError('NOT_READY', 'Not ready: the database schema could not be checked against this version of Envoi', {
      cause: err,
      hint: 'Check that every Envoi process runs the same version, then run `envoi migrate`.',
    });
  }
  if (pending.length) {
    throw new EnvoiError('NOT_READY', `Not ready: the database schema is behind this version of Envoi (${pending.length} migration${pending.length === 1 ? '' : 's'} not applied)`, {
      details: pending.map((name) => ({ path: '/migrations', message: `${name} is not applied` })),
    });
  }
  return { status: 'ready', database: envoi.db.dialect, version: VERSION };
}

/** GET /ready: 200 with the facts above, else 503 with the reason (STORAGE_UNAVAILABLE or NOT_READY). */
export function readyRoute(envoi: Envoi) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await readiness(envoi));
  };
}
