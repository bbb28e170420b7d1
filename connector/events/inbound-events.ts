/**
 * The receiving end of `POST /hooks/v1/:connectionId` (design.md "Bounces, complaints and
 * suppression"): finds the connection (any scope: the provider knows only its id), lets its
 * provider verify the post and name the events, matches each to the delivery whose attempt
 * stored the provider's message id, and records it once (dedupe key: the provider's event id).
 */
import type { Config } from '../config.js';
import type { ConnectionService } from '../connections.js';
import { EnvoiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { InboundRequest } from '../providers/inbound.js';
import { providerOf } from '../providers/registry.js';
import type { Keyring } from '../secrets.js';
import type { InboundTokenStore } from '../store/inbound-tokens.js';
import type { DeliveryEvents } from './delivery-events.js';

/** What a post came to: events read from it, and those recorded (new, and of a known delivery). */
export interface InboundResult {
  received: number;
  recorded: number;
}

export interface InboundEventsOptions {
  connections: ConnectionService;
  deliveryEvents: DeliveryEvents;
  tokens: InboundTokenStore;
  keyring: Keyring;
  config: Pick<Config, 'snsCertHosts'>;
  logger: Logger;
}

const notFound = (id: string) =>
  new EnvoiError('CONNECTION_NOT_FOUND', `No connection "${id}" takes provider events`, {
    hint: 'Copy the event URL again from the connection in the admin page: the connection may have been deleted.',
  });

export class InboundEvents {
  constructor(private readonly opts: InboundEventsOptions) {}

  async receive(connectionId: string, req: InboundRequest): Promise<InboundResult> {
    const stored = await this.opts.connections.findAnywhere(connectionId);
    const inbound = stored && providerOf(stored.provider).inbound;
    if (!stored || !inbound) throw notFound(connectionId);
    const conn = await this.opts.connections.withSecrets(stored);
    const events = await inbound.receive(req, {
      conn,
      config: this.opts.config,
      macKeys: (p) => this.opts.keyring.macKeys(p),
      once: (key, ttlMs) => this.opts.tokens.once(`${conn.id}:${key}`, ttlMs),
      logger: this.opts.logger,
    });
    let recorded = 0;
    for (const e of events) {
      let deliveryId: string | undefined;
      for (const id of [e.providerMessageId].flat()) if ((deliveryId = await this.opts.deliveryEvents.deliveryOfProviderMessage(id))) break;
      if (!deliveryId) {
        this.opts.logger.info('provider event for an unknown message', { connectionId: conn.id, provider: conn.provider, type: e.type });
        continue;
      }
      const ok = await this.opts.deliveryEvents.record({ deliveryId, recipient: e.recipient, type: e.type, bounce: e.bounce, at: e.at, source: conn.provider, dedupeKey: `${conn.provider}:${e.eventId}` });
      if (ok) recorded++;
    }
    return { received: events.length, recorded };
  }
}
