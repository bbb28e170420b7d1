import express from 'express';
import { VERSION, type Envoi } from '../connector/envoi.js';
import { EnvoiError } from '../connector/errors.js';
import type { CaptureServer } from '../connector/demo.js';
import { envoiFrom } from '../lib/envoi.js';
import { route } from './auth.js';
import { errorHandler } from './errors.js';
import { envoiRouter } from './router.js';
import { operations } from './operations/index.js';

export type { WhoAmI } from './router.js';
export { bundledSchema } from './served-manifest.js';

/** Envoi's own server: the router of the API and the admin page at `/`, plus /health. */
export function createApp(envoi: Envoi, options: { capture?: CaptureServer } = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // The request log, /ready and /metrics (server/operations/): before everything they measure.
  app.use(operations(envoi));

  app.get('/health', route(async () => {
    await envoi.db.knex.raw('select 1');
    return { status: 'ok', database: envoi.db.dialect, version: VERSION };
  }));

  app.use(envoiRouter(envoiFrom(envoi), { capture: options.capture }));
  app.use(route(() => {
    throw new EnvoiError('NOT_FOUND', 'Nothing here', { hint: 'The API lives under /api/v1; health under /health.' });
  }));
  app.use(errorHandler(envoi.logger, envoi.config.maxMessageBytes));
  return app;
}
