import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { fileURLToPath } from 'node:url';
import type { ServedManifest } from '../actions/manifest.js';
import { VERSION, type Envoi } from '../connector/envoi.js';
import { EnvoiError } from '../connector/errors.js';
import { PRESETS } from '../connector/presets.js';
import { readSchema } from '../schemas/validator.js';
import { authenticate, authorize, route } from './auth.js';
import { errorHandler } from './errors.js';
import { connectionRoutes } from './routes/connections.js';
import { keyRoutes } from './routes/keys.js';
import { actionList, actionRoutes } from './routes/actions.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { templateRoutes } from './routes/templates.js';
import { mountWeb } from './web/mount.js';
import { bodyLimits } from './body-limits.js';
import { operations } from './operations/index.js';
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

/** File names of the other schemas a schema `$ref`s (e.g. "calendar-event.schema.json#/…"). */
function externalRefs(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => externalRefs(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && /^[\w.-]+\.schema\.json/.test(v)) found.add(v.split('#')[0]!);
      else externalRefs(v, found);
    }
  }
  return found;
}

/**
 * A schema with every schema it references embedded under `$defs` (a 2020-12 compound document:
 * each embedded resource keeps its `$id`, so the original relative `$ref`s resolve unchanged).
 */
export function bundledSchema(file: string): Record<string, unknown> {
  const root = readSchema(file);
  const embedded: Record<string, unknown> = {};
  const queue = [...externalRefs(root)];
  while (queue.length) {
    const f = queue.shift()!;
    if (embedded[f] || f === file) continue;
    const s = readSchema(f);
    delete s.$schema;
    embedded[f] = s;
    queue.push(...externalRefs(s));
  }
  return Object.keys(embedded).length ? { ...root, $defs: { ...(root.$defs as object), ...embedded } } : root;
}

/** The manifest with every `schemas/…` reference replaced by the (bundled) schema itself. */
function inlinedManifest(): ServedManifest {
  const inline = (v: unknown): unknown => {
    if (typeof v === 'string' && /^schemas\/[\w.-]+\.json$/.test(v)) return bundledSchema(path.basename(v));
    if (Array.isArray(v)) return v.map(inline);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inline(x)]));
    return v;
  };
  const served = inline(JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'))) as ServedManifest;
  // The providers are the connection schema's, composed from connector/providers/ (a test keeps
  // the registry equal to them), so adding one touches its folder and the registry line only.
  const schema = served.connector.settingsSchema as { properties: { provider: { enum: string[] } } };
  served.connector.providers = schema.properties.provider.enum;
  return served;
}

/** The express app of design.md's HTTP API, plus the admin page. */
export function createApp(envoi: Envoi, options: { capture?: CaptureServer } = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(operations(envoi));
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
    return (manifest ??= inlinedManifest());
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
