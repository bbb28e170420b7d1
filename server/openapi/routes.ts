import { ACTIONS } from '../../actions/registry.js';
import { SYSTEM_ACTIONS } from '../../actions/templates/system.js';
import { MAX_WAIT_S } from '../../actions/run.js';
import { LOCALES } from '../../connector/locales.js';
import { STATUSES } from '../../connector/store/deliveries.js';
import { fileRef, type Schema } from './schemas.js';
import { WEBHOOK_OPERATIONS } from './webhooks.js';

/**
 * The HTTP API as data: one entry per route of server/app.ts and server/routes/*.ts, with what it
 * takes, what it answers and which error statuses it can give. document.ts turns this into
 * OpenAPI; a test compares it with the routes express has registered, so a route added to the
 * server without an entry here fails that test.
 */

export type Role = 'none' | 'any' | 'admin' | 'builder' | 'runtime' | 'platform admin';

export interface Reply {
  status: number;
  description: string;
  /** A component name or an inline schema; absent for an empty body (204). */
  body?: string | Schema;
  /** Another media type than JSON (Prometheus text). */
  mediaType?: string;
  /** The same answer in another media type the client may ask for with Accept (a stream of lines). */
  also?: { mediaType: string; body: string | Schema };
}

export interface Query {
  name: string;
  description: string;
  schema: Schema;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path as OpenAPI writes it, `{scope}` for express's `:scope`. */
  path: string;
  summary: string;
  tag: string;
  role: Role;
  body?: string | Schema;
  query?: Query[];
  replies: Reply[];
  /** Error statuses beyond those every route of its kind can give (see document.ts). */
  errors?: number[];
  /** Its words for people (messages, hints, warnings, form texts) follow Accept-Language. */
  localized?: boolean;
}

const S = '/api/v1/scopes/{scope}';
const json = (status: number, description: string, body: string | Schema): Reply => ({ status, description, body });
const empty = (description: string): Reply => ({ status: 204, description });

// A connection test answers JSON, or its progress as NDJSON to a client that asks (server/stage-stream.ts).
const testReply: Reply = {
  ...json(200, 'The test ran: `ok` says how it went. With `Accept: application/x-ndjson`, one JSON object a line: `{stage, at}` as each stage starts (`at`: ms since the request), then the result as the last line (an error body instead should the server fail midway)', 'TestResult'),
  also: { mediaType: 'application/x-ndjson', body: { anyOf: [{ $ref: '#/components/schemas/TestStage' }, { $ref: '#/components/schemas/TestResult' }, { $ref: '#/components/schemas/ErrorBody' }] } },
};

const connectionOps: Operation[] = [
  { method: 'get', path: `${S}/connections`, tag: 'connections', role: 'builder', summary: 'The connections of a scope, masked', replies: [json(200, 'The connections', 'ConnectionList')], localized: true },
  { method: 'post', path: `${S}/connections`, tag: 'connections', role: 'admin', summary: 'Create a connection', body: fileRef('connection.schema.json'), replies: [json(201, 'Created (Location names it)', 'ConnectionView')], errors: [409], localized: true },
  { method: 'post', path: `${S}/connections/test`, tag: 'connections', role: 'admin', summary: 'Test an unsaved configuration (with `id`, a saved secret fills one left out)', body: 'ConnectionDraft', replies: [testReply], errors: [404], localized: true },
  { method: 'get', path: `${S}/connections/{id}`, tag: 'connections', role: 'builder', summary: 'One connection, masked', replies: [json(200, 'The connection', 'ConnectionView')], errors: [404], localized: true },
  { method: 'patch', path: `${S}/connections/{id}`, tag: 'connections', role: 'admin', summary: 'Edit a connection; without a secret the stored one is kept', body: 'ConnectionPatch', replies: [json(200, 'The edited connection', 'ConnectionView')], errors: [404, 409], localized: true },
  { method: 'delete', path: `${S}/connections/{id}`, tag: 'connections', role: 'admin', summary: 'Delete a connection', replies: [empty('Deleted')], errors: [404, 409] },
  { method: 'post', path: `${S}/connections/{id}/default`, tag: 'connections', role: 'admin', summary: "Make it the scope's default", replies: [json(200, 'The connection, now the default', 'ConnectionView')], errors: [404], localized: true },
  { method: 'post', path: `${S}/connections/{id}/test`, tag: 'connections', role: 'admin', summary: 'Test a saved connection', replies: [testReply], errors: [404], localized: true },
  {
    method: 'post', path: `${S}/connections/{id}/test-email`, tag: 'connections', role: 'admin', summary: 'Send the localized test mail (10 a minute per scope)',
    body: fileRef('test-email-request.schema.json'),
    replies: [json(200, 'The one attempt ended: `ok` says how', 'TestEmailResult'), json(202, 'No worker tried it within a minute: the delivery\'s status', 'TestEmailResult')],
    errors: [404, 409, 429],
    localized: true,
  },
];

const actionOps: Operation[] = [...ACTIONS.values()].flatMap((a): Operation[] => {
  const input = { type: 'object', required: ['input'], properties: { input: fileRef(a.inputSchema) } };
  const p = `${S}/actions/${a.key}`;
  const executeBody = { ...input, properties: { ...input.properties, idempotencyKey: { type: 'string', minLength: 1, maxLength: 255, description: 'Or the Idempotency-Key header: a second execute with it answers the first delivery.' } } };
  const mail = a.executeStatus === 202;
  return [
    { method: 'post', path: `${p}/validate`, tag: 'actions', role: 'builder', summary: `Check a ${a.key} input as execute would`, body: input, replies: [json(200, 'Whether it is valid, and every problem', 'ValidateResult')], errors: [413] },
    { method: 'post', path: `${p}/preview`, tag: 'actions', role: 'builder', summary: `Render what ${a.key} would do, without doing it`, body: input, replies: [json(200, 'The rendered result', 'Preview')], errors: [404, 409, 413] },
    {
      method: 'post', path: `${p}/execute`, tag: 'actions', role: 'runtime', summary: `${a.title}: ${a.description}`, body: executeBody,
      query: mail ? [{ name: 'wait', description: `Seconds (0 to ${MAX_WAIT_S}) to wait for the first attempt`, schema: { type: 'number', minimum: 0, maximum: MAX_WAIT_S } }] : [],
      replies: mail
        ? [json(202, 'Queued (or, with wait, still going when it ran out)', fileRef(a.outputSchema)), json(200, 'With wait: the first attempt ended', fileRef(a.outputSchema))]
        : [json(200, 'The result', fileRef(a.outputSchema))],
      errors: [404, 409, 413, 422],
    },
  ];
});

// The same three by key, for a caller that holds the key in a variable: concrete paths win over
// templated ones (OAS 3.1 §4.8.8.2), so these describe only what the typed ones do not (404).
const anyAction = (verb: 'validate' | 'preview' | 'execute', role: Role, replies: Reply[]): Operation => ({
  method: 'post', path: `${S}/actions/{action}/${verb}`, tag: 'actions', role, summary: `${verb} an action named by key (an unknown key: 404)`,
  body: { type: 'object', properties: { input: { type: 'object' }, idempotencyKey: { type: 'string', maxLength: 255 } } }, replies, errors: [404, 409, 413, 422],
});
const outputs = { anyOf: [...new Set([...ACTIONS.values()].map((a) => a.outputSchema))].map(fileRef) };
actionOps.push(
  anyAction('validate', 'builder', [json(200, 'Whether it is valid', 'ValidateResult')]),
  anyAction('preview', 'builder', [json(200, 'The rendered result', 'Preview')]),
  anyAction('execute', 'runtime', [json(200, 'Done, or with wait the first attempt ended', outputs), json(202, 'Queued', outputs)]),
);

const template = `${S}/templates/{action}/{locale}`;
const deliveryOps: Operation[] = [
  {
    method: 'get', path: `${S}/deliveries`, tag: 'deliveries', role: 'runtime', summary: 'The delivery log, newest first',
    query: [
      { name: 'status', description: 'Only deliveries in this status', schema: { type: 'string', enum: [...STATUSES] } },
      { name: 'event', description: 'Only deliveries with a recipient event of this type', schema: { type: 'string', enum: ['delivered', 'bounced', 'complained'] } },
      { name: 'recipient', description: "Only deliveries with a recipient whose address contains this (any case; % and _ are literal)", schema: { type: 'string', maxLength: 320 } },
      { name: 'subject', description: 'Only deliveries whose subject contains this (any case)', schema: { type: 'string', maxLength: 2000 } },
      { name: 'since', description: 'Only deliveries created at or after this date (ISO 8601)', schema: { type: 'string', maxLength: 40 } },
      { name: 'until', description: 'Only deliveries created before this date (ISO 8601)', schema: { type: 'string', maxLength: 40 } },
      { name: 'limit', description: 'At most this many (default 50)', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      { name: 'cursor', description: 'nextCursor of the previous page', schema: { type: 'string' } },
    ],
    replies: [json(200, 'A page of deliveries', 'DeliveryList')],
  },
  {
    method: 'get', path: `${S}/deliveries/stats`, tag: 'deliveries', role: 'runtime', summary: 'Counts by status (by creation time) and recipient event (by event time) over a range, per hour or day',
    query: [
      { name: 'since', description: 'From this date (ISO 8601; default: the start of the UTC day six days before until)', schema: { type: 'string', maxLength: 40 } },
      { name: 'until', description: 'Until this date, exclusive (ISO 8601; default: now)', schema: { type: 'string', maxLength: 40 } },
      { name: 'bucket', description: 'hour (at most 31 days) or day (at most 366; the default)', schema: { type: 'string', enum: ['hour', 'day'] } },
    ],
    replies: [json(200, 'The totals and one entry per bucket, empty ones included', 'DeliveryStats')],
  },
  { method: 'get', path: `${S}/deliveries/{id}`, tag: 'deliveries', role: 'runtime', summary: 'One delivery with every attempt, its recipients\' events and who was suppressed', replies: [json(200, 'The delivery', 'DeliveryDetail')], errors: [404] },
  { method: 'post', path: `${S}/deliveries/{id}/retry`, tag: 'deliveries', role: 'admin', summary: 'Queue a failed delivery again', replies: [json(200, 'The delivery, queued', 'Delivery')], errors: [404, 409] },
  { method: 'get', path: template, tag: 'templates', role: 'builder', summary: "The template a system mail uses in this scope and locale", replies: [json(200, 'The template and where it comes from', 'Template')], errors: [404] },
  { method: 'put', path: template, tag: 'templates', role: 'admin', summary: "Set the scope's own template", body: fileRef('template.schema.json'), replies: [json(200, 'The template now used', 'Template')], errors: [404] },
  { method: 'delete', path: template, tag: 'templates', role: 'admin', summary: 'Return to the platform\'s or the built-in template', replies: [empty('Removed')], errors: [404] },
  { method: 'post', path: `${template}/preview`, tag: 'templates', role: 'admin', summary: 'Render an unsaved template with an input, as the action\'s preview would (nothing saved or sent)', body: fileRef('template-preview-request.schema.json'), replies: [json(200, 'The rendered mail', 'Preview')], errors: [404] },
];

const html = (status: number, description: string): Reply => ({ status, description, body: { type: 'string' }, mediaType: 'text/html' });
const suppressionOps: Operation[] = [
  {
    method: 'get', path: `${S}/suppressions`, tag: 'suppressions', role: 'runtime', summary: "The scope's suppression list, newest first",
    query: [
      { name: 'email', description: 'Only addresses containing this', schema: { type: 'string', maxLength: 320 } },
      { name: 'reason', description: 'Only entries added for this reason', schema: { type: 'string', enum: ['hard-bounce', 'complaint', 'unsubscribe', 'manual'] } },
      { name: 'limit', description: 'At most this many (default 50)', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      { name: 'cursor', description: 'nextCursor of the previous page', schema: { type: 'string' } },
    ],
    replies: [json(200, 'A page of the list', 'SuppressionList')],
  },
  { method: 'post', path: `${S}/suppressions`, tag: 'suppressions', role: 'admin', summary: 'Add an address by hand: mail of this scope no longer goes to it', body: fileRef('suppression-request.schema.json'), replies: [json(201, 'Listed', 'Suppression')], errors: [409] },
  { method: 'delete', path: `${S}/suppressions/{email}`, tag: 'suppressions', role: 'admin', summary: 'Take an address off the list: mail goes to it again', replies: [empty('Removed')], errors: [404] },
  { method: 'get', path: '/u/{token}', tag: 'suppressions', role: 'none', summary: 'One-click unsubscribe page (RFC 8058): a button that POSTs; a GET never unsubscribes', replies: [html(200, 'The page with its button'), html(400, 'The link is not valid')] },
  {
    method: 'post', path: '/u/{token}', tag: 'suppressions', role: 'none', summary: "One-click unsubscribe (RFC 8058): the link's recipient joins the scope's list (reason unsubscribe)",
    replies: [json(200, 'Unsubscribed (a browser that accepts HTML gets a page)', 'Unsubscribed')], errors: [400],
  },
];

const otherOps: Operation[] = [
  { method: 'get', path: '/health', tag: 'operations', role: 'none', summary: 'The process is up and the database answers', replies: [json(200, 'Up', 'Health')] },
  { method: 'get', path: '/ready', tag: 'operations', role: 'none', summary: 'Ready: the database answers and migrations are current', replies: [json(200, 'Ready', { type: 'object' }), json(503, 'Not ready, with the reason', { type: 'object' })] },
  { method: 'get', path: '/metrics', tag: 'operations', role: 'none', summary: 'Prometheus metrics (Authorization: Bearer ENVOI_METRICS_TOKEN)', replies: [{ status: 200, description: 'Prometheus text format', body: { type: 'string' }, mediaType: 'text/plain' }], errors: [401, 404] },
  {
    method: 'post', path: '/hooks/v1/{connectionId}', tag: 'operations', role: 'none', summary: "A provider's delivery events (SES through SNS, SendGrid, Mailgun, Postmark, Resend), checked with the provider's own signature",
    body: { type: 'object', description: 'The provider\'s own event body, exactly as it signed it' },
    replies: [json(200, 'Verified; the events of known messages recorded (others ignored)', { type: 'object', properties: { ok: { type: 'boolean' }, received: { type: 'integer' }, recorded: { type: 'integer' } } })],
    errors: [400, 401, 404, 413],
  },
  { method: 'get', path: '/api/v1/openapi.json', tag: 'operations', role: 'none', summary: 'This document', replies: [json(200, 'OpenAPI 3.1', { type: 'object' })] },
  { method: 'get', path: '/api/v1/whoami', tag: 'keys', role: 'any', summary: "The caller's key, role and scope", replies: [json(200, 'The caller', 'WhoAmI')] },
  { method: 'post', path: '/api/v1/keys', tag: 'keys', role: 'platform admin', summary: 'Create an API key (shown once)', body: fileRef('key-request.schema.json'), replies: [json(201, 'The key', 'CreatedKey')] },
  { method: 'get', path: '/api/v1/keys', tag: 'keys', role: 'platform admin', summary: 'The API keys (no key material)', replies: [json(200, 'The keys', 'KeyList')] },
  { method: 'delete', path: '/api/v1/keys/{id}', tag: 'keys', role: 'platform admin', summary: 'Revoke an API key', replies: [empty('Revoked')], errors: [404] },
  { method: 'get', path: '/api/v1/manifest', tag: 'actions', role: 'builder', summary: 'manifest.json with its schemas inlined', replies: [json(200, 'The manifest', 'Manifest')], localized: true },
  { method: 'get', path: '/api/v1/presets', tag: 'connections', role: 'builder', summary: 'Starting points for a connection form', replies: [json(200, 'The presets', 'PresetList')], localized: true },
  { method: 'get', path: '/api/v1/actions', tag: 'actions', role: 'builder', summary: 'The actions of the manifest', replies: [json(200, 'The actions', 'ActionList')] },
  { method: 'get', path: '/api/v1/demo', tag: 'demo', role: 'builder', summary: 'Whether demo mode runs, and its mailbox', replies: [json(200, 'Demo mode', 'Demo')] },
];

const sandboxOps: Operation[] = [
  { method: 'get', path: `${S}/settings`, tag: 'sandbox', role: 'builder', summary: "The scope's settings: its sandbox and allow list", replies: [json(200, 'The settings', 'ScopeSettings')] },
  { method: 'put', path: `${S}/settings`, tag: 'sandbox', role: 'admin', summary: "Replace the scope's settings", body: fileRef('scope-settings.schema.json'), replies: [json(200, 'The settings now used', 'ScopeSettings')] },
  {
    method: 'get', path: `${S}/mailbox`, tag: 'sandbox', role: 'admin', summary: 'Mail sandbox mode captured in this scope, newest first',
    query: [
      { name: 'limit', description: 'At most this many (default 50)', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      { name: 'cursor', description: 'nextCursor of the previous page', schema: { type: 'string' } },
    ],
    replies: [json(200, 'A page of captured mail', 'Mailbox')],
  },
  { method: 'get', path: `${S}/mailbox/{id}`, tag: 'sandbox', role: 'admin', summary: 'One captured mail: the message as a reader sees it, and as it would have left', replies: [json(200, 'The mail', 'CapturedMail')], errors: [404] },
  { method: 'delete', path: `${S}/mailbox`, tag: 'sandbox', role: 'admin', summary: "Empty the scope's mailbox", replies: [empty('Emptied')] },
];

/** Every operation of the API. */
const deliverabilityOps: Operation[] = [
  {
    method: 'get', path: `${S}/dkim-keys`, tag: 'deliverability', role: 'admin', summary: "The scope's DKIM keys, each with the TXT record to publish (never the private key)",
    query: [{ name: 'domain', description: 'Only the keys of this domain.', schema: { type: 'string', maxLength: 253 } }],
    replies: [json(200, 'The keys', 'DkimKeyList')],
  },
  { method: 'post', path: `${S}/dkim-keys`, tag: 'deliverability', role: 'admin', summary: 'Generate a DKIM key for a domain (RSA-2048 or Ed25519); its private key is sealed and never shown', body: fileRef('dkim-key-request.schema.json'), replies: [json(201, 'Created: publish dnsRecord', 'DkimKey')], errors: [409] },
  { method: 'delete', path: `${S}/dkim-keys/{id}`, tag: 'deliverability', role: 'admin', summary: 'Delete a DKIM key: its domain is signed with the next newest key, or not at all', replies: [empty('Deleted')], errors: [404] },
  { method: 'get', path: `${S}/domains/{domain}/check`, tag: 'deliverability', role: 'admin', summary: "SPF, DKIM, DMARC and MX of a sender domain, each with the record to publish and what to fix", replies: [json(200, 'The checks (a DNS server that did not answer makes its check a warning)', 'DomainCheck')] },
];

export const OPERATIONS: readonly Operation[] = [...otherOps, ...connectionOps, ...actionOps, ...deliveryOps, ...suppressionOps, ...sandboxOps, ...WEBHOOK_OPERATIONS, ...deliverabilityOps];

/** The schemas of the path parameters, by name. */
export const PATH_PARAMS: Record<string, Schema> = {
  scope: { type: 'string', pattern: '^(platform|[a-z0-9][a-z0-9-]{0,62})$', description: '"platform" or a tenant' },
  id: { type: 'string', maxLength: 64 },
  connectionId: { type: 'string', maxLength: 64, description: 'The connection whose provider posts (its event URL names it)' },
  action: { type: 'string', description: `An action's key; of templates, a system mail's (${SYSTEM_ACTIONS.join(', ')})` },
  locale: { type: 'string', enum: [...LOCALES] },
  email: { type: 'string', maxLength: 320, description: 'An address of the list (URL-encoded)' },
  token: { type: 'string', maxLength: 2048, description: 'The signed token of an unsubscribe link' },
};
