import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import type { EndpointWithSecret, MessagePage } from '../../connector/events/webhooks.js';
import type { EndpointView } from '../../connector/store/webhook-endpoints.js';
import type { MessageView } from '../../connector/store/webhook-messages.js';
import { validate } from '../../schemas/validator.js';

export interface WebhookMessageQuery {
  limit?: number | string | undefined;
  cursor?: string | undefined;
}

/** A scope's webhook endpoints (design.md "Events and webhooks") as plain calls; the secret is in the answers of create and rotateSecret only. */
export interface WebhookOperations {
  list(scope: string): Promise<{ items: EndpointView[] }>;
  create(scope: string, input: unknown): Promise<EndpointWithSecret>;
  get(scope: string, id: string): Promise<EndpointView>;
  update(scope: string, id: string, patch: unknown): Promise<EndpointView>;
  delete(scope: string, id: string): Promise<void>;
  rotateSecret(scope: string, id: string): Promise<EndpointWithSecret>;
  /** Queues a `webhook.test` message for the endpoint; answers it (pending). */
  test(scope: string, id: string): Promise<MessageView>;
  messages(scope: string, id: string, query?: WebhookMessageQuery): Promise<MessagePage>;
}

export function webhookOperations(core: Core): WebhookOperations {
  const w = core.webhooks;
  return {
    async list(scope) {
      return { items: await w.list(scope) };
    },
    create: (scope, input) => w.create(scope, validate('webhook-endpoint', input ?? {}, 'webhook endpoint')),
    get: (scope, id) => w.get(scope, id),
    update: (scope, id, patch) => w.update(scope, id, validate('webhook-endpoint-patch', patch ?? {}, 'webhook endpoint change')),
    delete: (scope, id) => w.delete(scope, id),
    rotateSecret: (scope, id) => w.rotateSecret(scope, id),
    test: (scope, id) => w.test(scope, id),
    messages(scope, id, query = {}) {
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
        throw new EnvoiError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 200', { details: [{ path: '/limit', message: 'must be from 1 to 200' }] });
      }
      return w.messages(scope, id, { limit, cursor: query.cursor || undefined });
    },
  };
}
