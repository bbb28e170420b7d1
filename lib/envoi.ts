import type { Config } from '../connector/config.js';
import { createEnvoi as openCore, type Envoi as Core } from '../connector/envoi.js';
import { actionOperations, type ActionOperations } from './operations/actions.js';
import { connectionOperations, type ConnectionOperations } from './operations/connections.js';
import { deliveryOperations, type DeliveryOperations } from './operations/deliveries.js';
import { dkimKeyOperations, type DkimKeyOperations } from './operations/dkim.js';
import { domainOperations, type DomainOperations } from './operations/domains.js';
import { keyOperations, type KeyOperations } from './operations/keys.js';
import { sandboxOperations, type SandboxOperations } from './operations/sandbox.js';
import { suppressionOperations, type SuppressionOperations } from './operations/suppressions.js';
import { providerEventOperations, type ProviderEventOperations } from './operations/provider-events.js';
import { templateOperations, type TemplateOperations } from './operations/templates.js';
import { webhookOperations, type WebhookOperations } from './operations/webhooks.js';
import { configFromOptions, type EnvoiOptions } from './options.js';

/**
 * Envoi embedded in a host's process: every operation of the HTTP API as a plain call, with the
 * API's errors (EnvoiError: code, message, hint, status, details). A call is trusted: the host
 * checks who may do what before it calls (envoiRouter does that for requests).
 */
export interface Envoi {
  readonly config: Config;
  readonly connections: ConnectionOperations;
  readonly actions: ActionOperations;
  readonly deliveries: DeliveryOperations;
  readonly templates: TemplateOperations;
  readonly keys: KeyOperations;
  /** The suppression lists (design.md "Bounces, complaints and suppression") and one-click unsubscribe. */
  readonly suppressions: SuppressionOperations;
  /** Delivery events the email APIs post (what POST /hooks/v1/:connectionId does). */
  readonly providerEvents: ProviderEventOperations;
  readonly webhooks: WebhookOperations;
  /** Sandbox mode: each scope's settings and its mailbox of captured mail (design.md "Sandbox"). */
  readonly sandbox: SandboxOperations;
  /** DKIM keys and the TXT records to publish (design.md "Deliverability"). */
  readonly dkimKeys: DkimKeyOperations;
  /** The domain check: SPF, DKIM, DMARC and MX of a sender domain. */
  readonly domains: DomainOperations;
  /** The services underneath (database, worker, pools), for Envoi's own server; not a stable API. */
  readonly core: Core;
  /** Stops the worker (letting sends in flight finish), the thread pool and the database. */
  close(): Promise<void>;
}

/** The operations over services already open (the server's createApp wraps its own this way). */
export function envoiFrom(core: Core): Envoi {
  return {
    config: core.config,
    connections: connectionOperations(core),
    actions: actionOperations(core),
    deliveries: deliveryOperations(core),
    templates: templateOperations(core),
    keys: keyOperations(core),
    suppressions: suppressionOperations(core),
    providerEvents: providerEventOperations(core),
    webhooks: webhookOperations(core),
    sandbox: sandboxOperations(core),
    dkimKeys: dkimKeyOperations(core),
    domains: domainOperations(core),
    core,
    close: () => core.close(),
  };
}

/**
 * Opens Envoi inside a host: reads the options (the environment fills the rest), migrates the
 * database, and starts a delivery worker unless `worker: false`.
 */
export async function createEnvoi(options: EnvoiOptions = {}): Promise<Envoi> {
  const config = configFromOptions(options);
  const core = await openCore(config, { worker: options.worker ?? true, logger: options.logger, lookup: options.lookup });
  return envoiFrom(core);
}
