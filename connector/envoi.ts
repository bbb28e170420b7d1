import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import { ConnectionService } from './connections.js';
import { createLogger, type Logger } from './log.js';
import { Mailer } from './mailer.js';
import type { LookupAll, NetworkPolicy } from './network-policy.js';
import { loadKeyring, type Keyring } from './secrets.js';
import { ConnectionStore } from './store/connections.js';
import { migrate, openDatabase, type Database } from './store/database.js';
import { KeyStore } from './store/keys.js';
import { DeliveryStore } from './store/deliveries.js';
import { TemplateStore } from './store/templates.js';
import { RateLimitStore } from './store/rate-limits.js';
import { Composer } from './delivery/composer.js';
import { ThreadPool } from './threads/pool.js';
import { Outbox } from './delivery/outbox.js';
import { Worker } from './delivery/worker.js';
import { WorkerThread } from './delivery/worker-thread.js';
import type { AttemptRecorded } from './delivery/outcome-writer.js';
import { BouncePoller } from './providers/smtp/bounces/poller.js';
import { EnvoiMetrics } from './metrics.js';
import { DeliveryEvents } from './events/delivery-events.js';
import { EventPublisher } from './events/publisher.js';
import { SuppressionStore } from './store/suppressions.js';
import { InboundEvents } from './events/inbound-events.js';
import { InboundTokenStore } from './store/inbound-tokens.js';
import { attemptEvents } from './events/attempt-events.js';
import { ConnectionEvents } from './events/connection-events.js';
import { WebhookService } from './events/webhooks.js';
import { WebhookWorker } from './events/webhook-worker.js';
import { WebhookEndpointStore } from './store/webhook-endpoints.js';
import { WebhookMessageStore } from './store/webhook-messages.js';
import { Sandbox } from './delivery/sandbox.js';
import { MailboxStore } from './store/mailbox.js';
import { ScopeSettingsStore } from './store/scope-settings.js';
import { DkimKeyStore } from './store/dkim-keys.js';
import { DkimSigner } from './dkim/signer.js';

/** The package version, read once from package.json. */
export const VERSION: string = (() => {
  for (const rel of ['../package.json', '../../package.json']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
})();

/** Everything a server or worker process holds: the database, the keyring and the services. */
export interface Envoi {
  config: Config;
  db: Database;
  keyring: Keyring;
  logger: Logger;
  policy: NetworkPolicy;
  connections: ConnectionService;
  keys: KeyStore;
  mailer: Mailer;
  deliveries: DeliveryStore;
  templates: TemplateStore;
  rateLimits: RateLimitStore;
  outbox: Outbox;
  /** Threads for untrusted CPU work (rendering templates, building MIME), fair-shared by scope. */
  pool: ThreadPool;
  /** The in-process delivery worker, when this process runs one on its event loop. */
  worker: Worker | undefined;
  /** The delivery worker on its own thread, when this process runs it there (ENVOI_WORKER_THREAD=on). */
  workerThread: WorkerThread | undefined;
  /** Reads the SMTP connections' bounce mailboxes, where a worker runs. */
  bouncePoller: BouncePoller | undefined;
  /** The Prometheus registry of this instance (GET /metrics). */
  metrics: EnvoiMetrics;
  /** Events for the host's webhooks (design.md "Events and webhooks"). */
  events: EventPublisher;
  /** What happened to recipients after "sent": bounces, complaints, deliveries. */
  deliveryEvents: DeliveryEvents;
  suppressions: SuppressionStore;
  /** The email APIs' events (POST /hooks/v1/:connectionId): verified, matched, recorded. */
  inboundEvents: InboundEvents;
  /** The scopes' webhook endpoints (create, rotate, test, messages). */
  webhooks: WebhookService;
  /** The in-process webhook worker, beside the delivery worker (never on its path). */
  webhookWorker: WebhookWorker | undefined;
  /** Sandbox mode: each scope's settings and what is captured instead of sent (design.md "Sandbox"). */
  sandbox: Sandbox;
  /** Captured mail, per scope. */
  mailbox: MailboxStore;
  /** DKIM keys, and the signer that applies them at send time (design.md "Deliverability"). */
  dkimKeys: DkimKeyStore;
  dkimSigner: DkimSigner;
  close(): Promise<void>;
}

export interface EnvoiOptions {
  logger?: Logger;
  /** Replaces the system resolver (tests point names at chosen addresses). */
  lookup?: LookupAll;
  /** Run a delivery worker in this process (serve and worker do; key commands do not). */
  worker?: boolean;
  /** Run that worker on its own thread (worker-thread.ts), not on this event loop; not with `lookup`, which cannot cross threads. */
  workerThread?: boolean;
  /** The delivery worker alone: no webhook worker and no bounce poller (the worker thread's Envoi). */
  deliveryOnly?: boolean;
  /** Told of every attempt the worker stores, instead of this instance's metrics (the worker thread tells the server's). */
  onRecorded?: AttemptRecorded;
  /** Called when the worker's database has been gone longer than ENVOI_DB_DOWN_EXIT_MS. */
  onDatabaseLost?: (downForMs: number) => void;
  /** Endpoints the network policy allows besides its rules (demo mode's capture server). */
  allowedEndpoints?: NetworkPolicy['allowedEndpoints'];
}

/** Opens the database, runs migrations, loads the keyring and wires the services. */
export async function createEnvoi(config: Config, options: EnvoiOptions = {}): Promise<Envoi> {
  const logger = options.logger ?? createLogger();
  const db = openDatabase(config, logger);
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info('database migrated', { dialect: db.dialect, applied });
  } catch (err) {
    await db.close();
    throw err;
  }
  const keyring = loadKeyring({ secretKey: config.secretKey, dataDir: config.dataDir });
  const policy: NetworkPolicy = { allowPrivateHosts: config.allowPrivateHosts, allowedPorts: config.allowedPorts, allowedEndpoints: options.allowedEndpoints ?? [] };
  const mailer = new Mailer({ config, policy, lookup: options.lookup, logger });
  const connections = new ConnectionService({
    store: new ConnectionStore(db.knex),
    keyring,
    policy,
    lookup: options.lookup,
    dnsTimeoutMs: config.smtpTimeouts.dns,
    publicUrl: config.publicUrl,
    onChange: (id) => {
      mailer.evict(id);
      wakeWaiting(id);
    },
    // Marked unhealthy by a worker, which forgets it itself; healthy again: its mail goes now.
    onHealthChange: (id, health) => {
      if (health.status === 'ok') wakeWaiting(id);
    },
    healthEvent: (trx, id, health) => connectionEvents.healthChanged(trx, id, health),
  });
  const deliveries = new DeliveryStore(db.knex);
  /** A connection was edited or is healthy again: mail that waited for it goes now. */
  const wakeWaiting = (id: string) => {
    worker?.forget(id);
    workerThread?.connectionChanged(id);
    deliveries
      .wakeWaiting(id, 'CONNECTION_UNHEALTHY')
      .then((n) => n && outbox.events.emit('queued', id))
      .catch((err: unknown) => logger.error('could not wake the mail waiting for a connection', { connectionId: id, err }));
  };
  const rateLimits = new RateLimitStore(db.knex, { leaseMs: config.leaseMs });
  const pool = new ThreadPool({ threads: config.composeThreads, timeoutMs: config.composeTimeoutMs, memoryMb: config.composeMemoryMb, label: 'Building the message' });
  const composer = new Composer(pool);
  const events = new EventPublisher(db.knex, logger);
  const mailbox = new MailboxStore(db.knex, config.mailboxMax);
  const sandbox = new Sandbox({ config, settings: new ScopeSettingsStore(db.knex), mailbox, events });
  const outbox = new Outbox({ store: deliveries, composer, maxMessageBytes: config.maxMessageBytes, sandbox, events });
  const metrics = new EnvoiMetrics({ knex: db.knex, logger });
  const suppressions = new SuppressionStore(db.knex);
  const deliveryEvents = new DeliveryEvents({ knex: db.knex, deliveries, suppressions, publisher: events, logger });
  const connectionEvents = new ConnectionEvents({ publisher: events, logger });
  deliveries.afterRecord = attemptEvents(events);
  const webhookStores = { endpoints: new WebhookEndpointStore(db.knex), messages: new WebhookMessageStore(db.knex) };
  const webhooks = new WebhookService({ ...webhookStores, keyring, policy, lookup: options.lookup, publisher: events });
  const dkimKeys = new DkimKeyStore(db.knex);
  const dkimSigner = new DkimSigner({ store: dkimKeys, keyring, logger });
  const threaded = options.worker && options.workerThread && !options.lookup;
  const worker = options.worker && !threaded
    ? new Worker({
        store: deliveries, outbox, connections, mailer, rateLimits, logger, config, onDatabaseLost: options.onDatabaseLost, onRecorded: options.onRecorded ?? metrics.attemptRecorded,
        onFailover: (c, f, a) => connectionEvents.failover(c, f, a), dkim: dkimSigner,
      })
    : undefined;
  const workerThread = threaded
    ? new WorkerThread({
        config, allowedEndpoints: policy.allowedEndpoints, logger, onDatabaseLost: options.onDatabaseLost, onRecorded: metrics.attemptRecorded,
        onAttempt: (id) => outbox.events.emit('attempt', id),
        onWebhooks: () => events.signals.emit('queued'),
      })
    : undefined;
  if (workerThread) {
    try {
      await workerThread.start();
    } catch (err) {
      await pool.close();
      await db.close();
      throw err;
    }
    outbox.events.on('queued', (id: string, of?: { connectionId: string; scope: string }) => workerThread.queuedMail(id, of));
    events.signals.on('endpoints', () => workerThread.endpointsChanged());
  }
  const webhookWorker = options.worker && !options.deliveryOnly
    ? new WebhookWorker({ ...webhookStores, keyring, policy, lookup: options.lookup, logger, signals: events.signals, onEndpointsChanged: () => events.endpointsChanged(), config })
    : undefined;
  worker?.start();
  webhookWorker?.start();
  // Bounce mailboxes are read where mail is sent: by the worker, never on a request's path.
  const bouncePoller = options.worker && !options.deliveryOnly ? new BouncePoller({ knex: db.knex, connections, config, policy, lookup: options.lookup, logger, deliveries, deliveryEvents }) : undefined;
  bouncePoller?.start();
  let closing: Promise<void> | undefined;
  return {
    config,
    db,
    keyring,
    logger,
    policy,
    connections,
    keys: new KeyStore(db.knex),
    mailer,
    deliveries,
    templates: new TemplateStore(db.knex),
    rateLimits,
    outbox,
    pool,
    worker,
    workerThread,
    bouncePoller,
    metrics,
    events,
    deliveryEvents,
    suppressions,
    inboundEvents: new InboundEvents({ connections, deliveryEvents, tokens: new InboundTokenStore(db.knex), keyring, config, logger }),
    webhooks,
    webhookWorker,
    sandbox,
    mailbox,
    dkimKeys,
    dkimSigner,
    close() {
      // Order matters: stop claiming and finish (or release) sends, then close pools, then the database.
      closing ??= (async () => {
        await Promise.all([worker?.stop(config.shutdownGraceMs), workerThread?.stop(config.shutdownGraceMs), webhookWorker?.stop(config.shutdownGraceMs), bouncePoller?.stop()]);
        mailer.close();
        await pool.close();
        await db.close();
      })();
      return closing;
    },
  };
}
