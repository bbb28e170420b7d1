import type { Operation, Reply } from './routes.js';
import { fileRef, type Schema } from './schemas.js';

/**
 * The webhook routes (server/routes/webhooks.ts) and their answers, kept beside each other so the
 * shared tables of routes.ts and bodies.ts grow by one line each.
 */

const S = '/api/v1/scopes/{scope}/webhooks';
const json = (status: number, description: string, body: string | Schema): Reply => ({ status, description, body });
const str = (maxLength?: number): Schema => ({ type: 'string', ...(maxLength ? { maxLength } : {}) });
const nullable = (s: Schema): Schema => ({ oneOf: [s, { type: 'null' }] });
const dateTime: Schema = { type: 'string', format: 'date-time' };
const int: Schema = { type: 'integer' };

export const WEBHOOK_OPERATIONS: Operation[] = [
  { method: 'get', path: S, tag: 'webhooks', role: 'admin', summary: "The scope's webhook endpoints (never their secrets)", replies: [json(200, 'The endpoints', 'WebhookEndpointList')] },
  {
    method: 'post', path: S, tag: 'webhooks', role: 'admin', summary: 'Create a webhook endpoint; its secret is in this answer only',
    body: fileRef('webhook-endpoint.schema.json'), replies: [json(201, 'Created (Location names it)', 'WebhookEndpointWithSecret')],
  },
  { method: 'get', path: `${S}/{id}`, tag: 'webhooks', role: 'admin', summary: 'One webhook endpoint', replies: [json(200, 'The endpoint', 'WebhookEndpoint')], errors: [404] },
  { method: 'patch', path: `${S}/{id}`, tag: 'webhooks', role: 'admin', summary: 'Change its URL, events, description or enabled', body: fileRef('webhook-endpoint-patch.schema.json'), replies: [json(200, 'The endpoint', 'WebhookEndpoint')], errors: [404] },
  { method: 'delete', path: `${S}/{id}`, tag: 'webhooks', role: 'admin', summary: 'Delete an endpoint with its messages', replies: [{ status: 204, description: 'Deleted' }], errors: [404] },
  { method: 'post', path: `${S}/{id}/rotate-secret`, tag: 'webhooks', role: 'admin', summary: 'A new secret, shown in this answer only', replies: [json(200, 'The endpoint and its new secret', 'WebhookEndpointWithSecret')], errors: [404] },
  { method: 'post', path: `${S}/{id}/test`, tag: 'webhooks', role: 'admin', summary: 'Send a webhook.test event to this endpoint now', replies: [json(202, 'The message, queued', 'WebhookMessage')], errors: [404, 409] },
  {
    method: 'get', path: `${S}/{id}/messages`, tag: 'webhooks', role: 'admin', summary: "The endpoint's recent messages with each try and its answer",
    query: [
      { name: 'limit', description: 'At most this many (default 50)', schema: { type: 'integer', minimum: 1, maximum: 200 } },
      { name: 'cursor', description: 'nextCursor of the previous page', schema: { type: 'string' } },
    ],
    replies: [json(200, 'A page of messages, newest first', 'WebhookMessageList')], errors: [404],
  },
];

/** connector/store/webhook-endpoints.ts endpointView(): closed, so a secret leaking into it fails the test. */
const endpointProps: Record<string, Schema> = {
  id: str(64),
  scope: str(63),
  url: str(2048),
  events: { type: 'array', items: str(32) },
  description: nullable(str(500)),
  enabled: { type: 'boolean' },
  disabledReason: nullable(str()),
  createdAt: dateTime,
  updatedAt: dateTime,
};
const required = Object.keys(endpointProps);

/** connector/store/webhook-messages.ts MessageView. */
const message: Schema = {
  type: 'object',
  required: ['id', 'type', 'status', 'attempts', 'lastStatus', 'lastError', 'nextAttemptAt', 'createdAt', 'attemptLog'],
  additionalProperties: false,
  properties: {
    id: { ...str(), description: 'The webhook-id header of every try' },
    type: str(),
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer', minimum: 0 },
    lastStatus: nullable(int),
    lastError: nullable(str()),
    nextAttemptAt: nullable(dateTime),
    createdAt: dateTime,
    attemptLog: {
      type: 'array',
      items: {
        type: 'object',
        required: ['number', 'startedAt', 'durationMs', 'status', 'error', 'response'],
        properties: { number: int, startedAt: dateTime, durationMs: int, status: nullable(int), error: nullable(str()), response: { ...nullable(str(1024)), description: 'The start of the endpoint\'s answer' } },
      },
    },
  },
};

export function webhookBodies(): Record<string, Schema> {
  return {
    WebhookEndpoint: { type: 'object', required, properties: endpointProps, additionalProperties: false },
    WebhookEndpointWithSecret: {
      description: 'The endpoint and its secret (`whsec_…`, Standard Webhooks): shown in this answer only.',
      type: 'object', required: [...required, 'secret'], properties: { ...endpointProps, secret: { type: 'string', pattern: '^whsec_' } }, additionalProperties: false,
    },
    WebhookEndpointList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/WebhookEndpoint' } } } },
    WebhookMessage: message,
    WebhookMessageList: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/WebhookMessage' } }, nextCursor: nullable(str()) } },
  };
}
