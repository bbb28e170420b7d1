/**
 * Webhook endpoints of a scope (design.md "Events and webhooks"): create (the secret shown once),
 * list, edit, delete, rotate the secret, send a test event, and the recent messages with their
 * tries. Input arrives validated against schemas/webhook-endpoint*.schema.json (lib/operations).
 */
import crypto from 'node:crypto';
import { assertScope } from '../connection-rules.js';
import { EnvoiError } from '../errors.js';
import type { LookupAll, NetworkPolicy } from '../network-policy.js';
import type { Keyring } from '../secrets.js';
import { endpointView, type EndpointRow, type EndpointView, type WebhookEndpointStore } from '../store/webhook-endpoints.js';
import type { MessageView, WebhookMessageStore } from '../store/webhook-messages.js';
import { messageId, type EventPublisher } from './publisher.js';
import { newSecret, sealWebhookSecret } from './signing.js';
import { vetWebhookUrl } from './webhook-url.js';

export interface EndpointInput {
  url: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

/** An endpoint with its secret: only the answers of create and rotate-secret. */
export type EndpointWithSecret = EndpointView & { secret: string };

export interface MessagePage {
  items: MessageView[];
  nextCursor: string | null;
}

/** `["*"]` stands alone: a list naming every type besides it says the same thing twice. */
function events(list: string[] | undefined): string[] {
  if (!list) return ['*'];
  return list.includes('*') ? ['*'] : list;
}

const notFound = (id: string) => new EnvoiError('NOT_FOUND', `No webhook endpoint ${id} in this scope`, { hint: 'List the endpoints with GET …/webhooks and use one of their ids.' });

export class WebhookService {
  constructor(
    private readonly opts: { endpoints: WebhookEndpointStore; messages: WebhookMessageStore; keyring: Keyring; policy: NetworkPolicy; lookup?: LookupAll | undefined; publisher: EventPublisher },
  ) {}

  private vet(url: string) {
    return vetWebhookUrl(url, this.opts.policy, { lookup: this.opts.lookup });
  }

  private async row(scope: string, id: string): Promise<EndpointRow> {
    assertScope(scope);
    const r = await this.opts.endpoints.get(scope, id);
    if (!r) throw notFound(id);
    return r;
  }

  async list(scope: string): Promise<EndpointView[]> {
    assertScope(scope);
    return (await this.opts.endpoints.list(scope)).map(endpointView);
  }

  async get(scope: string, id: string): Promise<EndpointView> {
    return endpointView(await this.row(scope, id));
  }

  async create(scope: string, input: EndpointInput): Promise<EndpointWithSecret> {
    assertScope(scope);
    await this.vet(input.url);
    const id = `we_${crypto.randomBytes(12).toString('base64url')}`;
    const secret = newSecret();
    const now = new Date().toISOString();
    await this.opts.endpoints.insert({
      id, scope, url: input.url, events: JSON.stringify(events(input.events)), description: input.description ?? null, enabled: input.enabled ?? true,
      disabled_reason: null, ...sealWebhookSecret(this.opts.keyring, scope, id, secret), created_at: now, updated_at: now,
    });
    this.opts.publisher.endpointsChanged();
    return { ...(await this.get(scope, id)), secret };
  }

  async update(scope: string, id: string, patch: Partial<EndpointInput>): Promise<EndpointView> {
    await this.row(scope, id);
    if (patch.url !== undefined) await this.vet(patch.url);
    const change: Partial<EndpointRow> = {};
    if (patch.url !== undefined) change.url = patch.url;
    if (patch.events !== undefined) change.events = JSON.stringify(events(patch.events));
    if (patch.description !== undefined) change.description = patch.description;
    // Enabling again clears why it was disabled (a 410 from a URL since fixed).
    if (patch.enabled !== undefined) Object.assign(change, { enabled: patch.enabled, ...(patch.enabled ? { disabled_reason: null } : {}) });
    await this.opts.endpoints.update(scope, id, change);
    this.opts.publisher.endpointsChanged();
    return this.get(scope, id);
  }

  async delete(scope: string, id: string): Promise<void> {
    assertScope(scope);
    if (!(await this.opts.endpoints.delete(scope, id))) throw notFound(id);
    this.opts.publisher.endpointsChanged();
  }

  /** A new secret, sealed in place of the old one (messages signed from now on use it). */
  async rotateSecret(scope: string, id: string): Promise<EndpointWithSecret> {
    await this.row(scope, id);
    const secret = newSecret();
    await this.opts.endpoints.update(scope, id, sealWebhookSecret(this.opts.keyring, scope, id, secret));
    return { ...(await this.get(scope, id)), secret };
  }

  /** Queues a `webhook.test` message for this endpoint alone, whatever events it hears; answers the message. */
  async test(scope: string, id: string): Promise<MessageView> {
    const e = await this.row(scope, id);
    if (!e.enabled) throw new EnvoiError('CONFLICT', 'The endpoint is disabled', { hint: 'Enable it (PATCH with enabled: true), then send the test again.' });
    const msg = messageId();
    const payload = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { endpointId: id } });
    await this.opts.messages.insert({ id: msg, endpoint_id: id, scope, type: 'webhook.test', payload });
    this.opts.publisher.signals.emit('queued');
    const [view] = await this.opts.messages.list(id, 1);
    return view!;
  }

  /** The endpoint's messages, newest first, each with its tries and the endpoint's answers. */
  async messages(scope: string, id: string, options: { limit?: number; cursor?: string } = {}): Promise<MessagePage> {
    await this.row(scope, id);
    const limit = options.limit ?? 50;
    let cursor: { createdAt: string; id: string } | undefined;
    if (options.cursor) {
      const [createdAt, mid] = Buffer.from(options.cursor, 'base64url').toString('utf8').split('|');
      if (!createdAt || !mid) throw new EnvoiError('VALIDATION_FAILED', 'The cursor is not one this server gave', { details: [{ path: '/cursor', message: 'is not valid' }] });
      cursor = { createdAt, id: mid };
    }
    const items = await this.opts.messages.list(id, limit + 1, cursor);
    const more = items.length > limit;
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: more && last ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') : null };
  }
}
