import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { fileURLToPath } from 'node:url';
import type { ServedManifest } from '../actions/manifest.js';
import { VERSION, type Envoi } from '../connector/envoi.js';
import { EnvoiError } from '../connector/errors.js';
import { PRESETS } from '../connector/presets.js';
import { authenticate, authorize, route } from './auth.js';
import { errorHandler } from './errors.js';
import { inlinedManifest } from './manifest.js';
import { connectionRoutes } from './routes/connections.js';
import { keyRoutes } from './routes/keys.js';
import { actionList, actionRoutes } from './routes/actions.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { templateRoutes } from './routes/templates.js';
import { mountWeb } from './web/mount.js';
import { bodyLimits } from './body-limits.js';
import type { CaptureServer } from '../connector/demo.js';
import type { Principal } from '../connector/store/keys.js';

/** What GET /whoami answers: the caller's key, role and scope. */
export interface WhoAmI extends Principal {
  label: string | null;
}

const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'manifest.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
})();

/** The express app of design.md's HTTP API, plus the admin page. */
export function createApp(envoi: Envoi, options: { capture?: CaptureServer } = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(bodyLimits(envoi.config));

  app.get('/health', route(async () => {
    await envoi.db.knex.raw('select 1');
    return { status: 'ok', database: envoi.db.dialect, version: VERSION };
  }));

  const api = express.Router();
  api.use(authenticate(envoi));
  api.use('/keys', keyRoutes(envoi));
  api.get('/whoami', route((req) => {
    const p = authorize(req, req.principal!.role);
    return { keyId: p.keyId, role: p.role, scope: p.scope, label: p.label ?? null } satisfies WhoAmI;
  }));
  api.get('/demo', route((req) => {
    authorize(req, 'builder');
    return options.capture ? { enabled: true, mailbox: { host: options.capture.host, port: options.capture.port } } : { enabled: false };
  }));
  const capture = () => {
    if (!options.capture) throw new EnvoiError('NOT_FOUND', 'The demo mailbox runs only in demo mode', { hint: 'Start Envoi with `npm start -- --demo`.' });
    return options.capture;
  };
  api.get('/demo/mailbox', route((req) => {
    authorize(req, 'builder', 'platform');
    return { items: capture().list() };
  }));
  api.delete('/demo/mailbox', route((req, res) => {
    authorize(req, 'admin', 'platform');
    capture().clear();
    res.status(204).end();
  }));
  api.get('/presets', route((req) => {
    authorize(req, 'builder');
    return { items: PRESETS };
  }));
  // Read at the first request, then kept: the manifest and its schemas do not change while running.
  let manifest: ServedManifest | undefined;
  api.get('/manifest', route((req) => {
    authorize(req, 'builder');
    return (manifest ??= inlinedManifest(ROOT));
  }));
  api.get('/actions', route((req) => {
    authorize(req, 'builder');
    return { items: actionList() };
  }));
  api.use('/scopes/:scope/connections', connectionRoutes(envoi));
  api.use('/scopes/:scope/actions', actionRoutes(envoi));
  api.use('/scopes/:scope/deliveries', deliveryRoutes(envoi));
  api.use('/scopes/:scope/templates', templateRoutes(envoi));
  api.use(route(() => {
    throw new EnvoiError('NOT_FOUND', 'No such API route', { hint: 'See the HTTP API table in the README.' });
  }));
  app.use('/api/v1', api);
  mountWeb(app, ROOT);
  app.use(route(() => {
    throw new EnvoiError('NOT_FOUND', 'Nothing here', { hint: 'The API lives under /api/v1; health under /health.' });
  }));
  app.use(errorHandler(envoi.logger, envoi.config.maxMessageBytes));
  return app;
}
