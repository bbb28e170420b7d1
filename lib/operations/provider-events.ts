import type { Envoi as Core } from '../../connector/envoi.js';
import type { InboundResult } from '../../connector/events/inbound-events.js';
import type { InboundRequest } from '../../connector/providers/inbound.js';

/** What `POST /hooks/v1/:connectionId` does, as a call: a provider's post of delivery events. */
export interface ProviderEventOperations {
  /**
   * Verifies the post with the connection's provider (UNAUTHORIZED when the signature does not
   * hold; nothing changes then) and records its events; CONNECTION_NOT_FOUND for an unknown id.
   */
  receive(connectionId: string, request: InboundRequest): Promise<InboundResult>;
}

export function providerEventOperations(core: Core): ProviderEventOperations {
  return { receive: (connectionId, request) => core.inboundEvents.receive(connectionId, request) };
}
