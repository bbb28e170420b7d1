import express, { Router } from 'express';
import type { ServedManifest } from '../actions/manifest.js';
import type { CaptureServer } from '../connector/demo.js';
import { EnvoiError } from '../connector/errors.js';
import { localizedPresets } from '../connector/i18n/connection-texts.js';
import type { Locale } from '../connector/locales.js';
import { PRESETS } from '../connector/presets.js';
import type { Principal } from '../connector/store/keys.js';
import type { Envoi } from '../lib/envoi.js';
import { authenticate as keyAuthentication, authorize, route } from './auth.js';
import { bodyLimits } from './body-limits.js';
import { errorHandler } from './errors.js';
import { hostAuthentication, type Authenticate } from './host-auth.js';
import { answerLocale } from './language.js';
import { actionList, actionRoutes } from './routes/actions.js';
import { connectionRoutes } from './routes/connections.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { dkimKeyRoutes, domainRoutes } from './routes/deliverability.js';
import { keyRoutes } from './routes/keys.js';
import { mailboxRoutes, settingsRoutes } from './routes/sandbox.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { providerEventRoutes } from './routes/provider-events.js';
import { templateRoutes } from './routes/templates.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { webhookRoutes } from './routes/webhooks.js';
import { inlinedManifest, localizedManifest, ROOT } from './served-manifest.js';
import { mountWeb } from './web/mount.js';
import { openApiRoute } from './openapi/document.js';

/** What GET /whoami answers: the caller's key (or the host's user), role and scope. */
export interface WhoAmI extends Principal {
  label: string | null;
}

export interface EnvoiRouterOptions {
  /**
   * The host's sign-in: answers `{role, scope, label?}` for a request, or null (401). When given,
   * it replaces Envoi's API keys and the admin page skips its key sign-in.
   */
  authenticate?: Authenticate;
  /** Demo mode's capture server (Envoi's own server sets it). */
  capture?: CaptureServer;
}

/**
 * The HTTP API (`/api/v1/…`) and the admin page as an express Router, mountable under any path
 * of a host's app: `app.use('/plugins/email', envoiRouter(envoi, { authenticate }))`.
 */
export function envoiRouter(envoi: Envoi, options: EnvoiRouterOptions = {}): Router {
  const { core } = envoi;
  const r = express.Router();
  // Before the JSON parsers: providers sign the exact bytes they post (see provider-events.ts).
  r.use('/hooks/v1', providerEventRoutes(envoi));
  r.use(bodyLimits(core.config));
  // The API's description is public, like the page that documents it; `servers` is this mount.
  r.get('/api/v1/openapi.json', openApiRoute());

  const api = express.Router();
  api.use(options.authenticate ? hostAuthentication(options.authenticate) : keyAuthentication(core));
  api.use('/keys', keyRoutes(envoi));
  api.get('/whoami', route((req) => {
    const p = authorize(req, req.principal!.role);
    return { keyId: p.keyId, role: p.role, scope: p.scope, label: p.label ?? null } satisfies WhoAmI;
  }));
  api.get('/demo', route((req) => {
    authorize(req, 'builder');
    return options.capture ? { enabled: true, mailbox: { host: options.capture.host, port: options.capture.port } } : { enabled: false };
  }));
  // The presets and the connection form's texts in the admin's language (issue #17).
  api.get('/presets', route((req, res) => {
    authorize(req, 'builder');
    return { items: localizedPresets(PRESETS, answerLocale(req, res)) };
  }));
  // Made at the first request in a language, then kept: the manifest and its schemas do not change while running.
  const manifests = new Map<Locale, ServedManifest>();
  api.get('/manifest', route((req, res) => {
    authorize(req, 'builder');
    const locale = answerLocale(req, res);
    if (!manifests.has('en')) manifests.set('en', inlinedManifest());
    if (!manifests.has(locale)) manifests.set(locale, localizedManifest(manifests.get('en')!, locale));
    return manifests.get(locale);
  }));
  api.get('/actions', route((req) => {
    authorize(req, 'builder');
    return { items: actionList() };
  }));
  api.use('/scopes/:scope/connections', connectionRoutes(envoi));
  api.use('/scopes/:scope/actions', actionRoutes(envoi));
  api.use('/scopes/:scope/deliveries', deliveryRoutes(envoi));
  api.use('/scopes/:scope/templates', templateRoutes(envoi));
  api.use('/scopes/:scope/suppressions', suppressionRoutes(envoi));
  api.use('/scopes/:scope/webhooks', webhookRoutes(envoi));
  api.use('/scopes/:scope/settings', settingsRoutes(envoi));
  api.use('/scopes/:scope/mailbox', mailboxRoutes(envoi));
  api.use('/scopes/:scope/dkim-keys', dkimKeyRoutes(envoi));
  api.use('/scopes/:scope/domains', domainRoutes(envoi));
  api.use(route(() => {
    throw new EnvoiError('NOT_FOUND', 'No such API route', { hint: 'See the HTTP API table in the README.' });
  }));
  r.use('/api/v1', api);
  // One-click unsubscribe links (RFC 8058): no API key, the signed token is the authority.
  r.use('/u', unsubscribeRoutes(envoi));
  mountWeb(r, ROOT);
  r.use(errorHandler(core.logger, core.config.maxMessageBytes));
  return r;
}
