import { STATUSES } from '../../connector/store/deliveries.js';
import { LOCALES } from '../../connector/locales.js';
import { connectionPatch, connectionView, type Schema } from './schemas.js';
import { webhookBodies } from './webhooks.js';

/**
 * Schemas of the response bodies that schemas/ does not describe (its files are what callers
 * send and what actions answer). Each mirrors the code that builds the body, named beside it;
 * the OpenAPI test checks real responses against them, so a drift fails there.
 */

const str = (maxLength?: number): Schema => ({ type: 'string', ...(maxLength ? { maxLength } : {}) });
const nullable = (s: Schema): Schema => ({ oneOf: [s, { type: 'null' }] });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const dateTime: Schema = { type: 'string', format: 'date-time' };
const list = (item: Schema, extra: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  required: ['items', ...Object.keys(extra)],
  properties: { items: { type: 'array', items: item }, ...extra },
});
const obj = (required: string[], properties: Record<string, Schema>, closed = false): Schema => ({
  type: 'object',
  required,
  properties,
  ...(closed ? { additionalProperties: false } : {}),
});

const stage: Schema = { type: 'string', enum: ['dns', 'connect', 'tls', 'auth', 'send', 'done'] };
const role: Schema = { type: 'string', enum: ['admin', 'builder', 'runtime'] };

/** connector/store/keys.ts KeyRecord: never the key itself (closed, so a leak fails the test). */
const keyRecordProps: Record<string, Schema> = {
  id: str(),
  prefix: { ...str(12), description: 'The first characters of the key, to tell keys apart.' },
  role,
  scope: str(63),
  label: nullable(str(200)),
  createdAt: dateTime,
  lastUsedAt: nullable(dateTime),
};
const keyRequired = Object.keys(keyRecordProps);

/** server/routes/deliveries.ts deliveryView(). */
const deliveryProps: Record<string, Schema> = {
  id: str(),
  status: { type: 'string', enum: [...STATUSES] },
  action: str(),
  connection: ref('ConnectionRef'),
  subject: nullable(str()),
  recipients: { type: 'array', items: str() },
  from: str(),
  messageId: str(),
  size: { type: 'integer', minimum: 0 },
  attempts: { type: 'integer', minimum: 0 },
  maxAttempts: { type: 'integer', minimum: 1 },
  unknownAttempts: { type: 'integer', minimum: 0 },
  nextAttemptAt: nullable(dateTime),
  accepted: nullable({ type: 'array', items: str() }),
  rejected: nullable({ type: 'array', items: str() }),
  response: nullable(str()),
  lastError: nullable(ref('StoredFailure')),
  waitingFor: { ...nullable(ref('StoredFailure')), description: 'Why a queued delivery waits (rate limit, unhealthy connection).' },
  idempotencyKey: nullable(str(255)),
  createdAt: dateTime,
  updatedAt: dateTime,
  sentAt: nullable(dateTime),
  bodyPurgedAt: nullable(dateTime),
  suppressed: { type: 'array', items: str(), description: "Recipients dropped because they are on the scope's suppression list." },
  captured: { type: 'array', items: str(), description: 'Recipients sandbox mode captured the message for instead of sending it.' },
  dkim: { ...nullable(obj(['domain', 'selector'], { domain: str(253), selector: str(63) }, true)), description: 'The DKIM key that signed the mail that went out; null when Envoi did not sign it.' },
};

/**
 * connector/store/delivery-stats.ts Counts: queued counts queued, sending and retrying deliveries;
 * failed counts failed and unknown ones; bounced and complained count recipient events.
 */
const countProps: Record<string, Schema> = Object.fromEntries(['queued', 'sent', 'failed', 'captured', 'bounced', 'complained'].map((k) => [k, { type: 'integer', minimum: 0 }]));
const counts: Schema = { ...obj(Object.keys(countProps), countProps, true), description: 'queued: queued, sending or retrying; failed: failed or with an unknown outcome; bounced, complained: recipient events.' };

/** connector/dkim/keys.ts DkimKeyView: never the private key (closed, so a leak fails the test). */
const dkimKey: Schema = obj(['id', 'domain', 'selector', 'algorithm', 'dnsRecord', 'createdAt'], {
  id: str(),
  domain: str(253),
  selector: str(63),
  algorithm: { type: 'string', enum: ['rsa-2048', 'ed25519'] },
  dnsRecord: obj(['name', 'type', 'value'], { name: str(), type: { type: 'string', enum: ['TXT'] }, value: { ...str(), description: 'v=DKIM1; k=rsa|ed25519; p=<public key> (RFC 6376, RFC 8463)' } }, true),
  createdAt: dateTime,
}, true);

/** connector/domain-check/domain-check.ts DomainCheck. */
const domainCheck: Schema = obj(['domain', 'checkedAt', 'checks'], {
  domain: str(253),
  checkedAt: dateTime,
  checks: { type: 'array', items: obj(['kind', 'status', 'message', 'hint'], {
    kind: { type: 'string', enum: ['spf', 'dkim', 'dmarc', 'mx'] },
    status: { type: 'string', enum: ['pass', 'warn', 'fail'] },
    name: { ...str(), description: 'The DNS name the record lives at.' },
    found: { ...str(), description: 'The record as published.' },
    expected: { ...str(), description: 'The exact record to publish at name.' },
    message: str(),
    hint: str(),
  }, true) },
}, true);

/** connector/events/delivery-events.ts DeliveryEventView. */
const deliveryEvent: Schema = obj(['type', 'recipient', 'at', 'source'], {
  type: { type: 'string', enum: ['delivered', 'bounced', 'complained'] },
  recipient: str(320),
  at: dateTime,
  bounce: obj(['type'], { type: { type: 'string', enum: ['hard', 'soft'] }, status: str(), diagnostic: str() }),
  source: { ...str(32), description: '"dsn", "arf" or the provider\'s name' },
}, true);

/** connector/store/suppressions.ts Suppression. */
const suppression: Schema = obj(['email', 'reason', 'deliveryId', 'createdAt'], {
  email: str(320),
  reason: { type: 'string', enum: ['hard-bounce', 'complaint', 'unsubscribe', 'manual'] },
  deliveryId: { ...nullable(str()), description: 'The delivery that bounced, was complained about or carried the unsubscribe link.' },
  createdAt: dateTime,
}, true);

const attempt: Schema = obj(['number', 'startedAt', 'durationMs', 'outcome', 'outcomeUnknown'], {
  number: { type: 'integer', minimum: 1 },
  worker: str(),
  startedAt: dateTime,
  durationMs: { type: 'integer', minimum: 0 },
  outcome: { type: 'string', enum: ['sent', 'retry', 'failed', 'unknown', 'lost', 'released'] },
  outcomeUnknown: { type: 'boolean' },
  code: nullable(str()),
  stage: nullable(stage),
  responseCode: nullable({ type: 'integer' }),
  reply: nullable(str()),
  message: nullable(str()),
  hint: nullable(str()),
  connection: nullable(ref('ConnectionRef')),
  providerMessageId: nullable(str()),
});

/** connector/providers/results.ts TestResult. */
const testResultProps: Record<string, Schema> = {
  ok: { type: 'boolean' },
  stage,
  code: str(),
  message: str(),
  hint: str(),
  durationMs: { type: 'number', minimum: 0 },
  server: obj(['address', 'tls', 'authMethods'], { address: str(), tls: { type: 'boolean' }, authMethods: { type: 'array', items: str() } }),
  responseCode: { type: 'integer' },
  reply: str(),
  detail: { ...str(), description: 'The technical text behind message (e.g. OpenSSL\'s words for a TLS failure); in another language than English, the English message too.' },
  warnings: { type: 'array', items: ref('Problem') },
  details: { type: 'object' },
};

/** A template as GET/PUT …/templates/:action/:locale answer it (actions/templates/system.ts). */
const template: Schema = obj(['action', 'locale', 'source', 'subject', 'html', 'text'], {
  action: str(),
  locale: { type: 'string', enum: [...LOCALES] },
  source: { type: 'string', enum: ['scope', 'platform', 'builtin'] },
  subject: str(),
  html: str(),
  text: str(),
});

/** A mailbox item (connector/store/mailbox.ts MailboxItem): `to` lists the recipients it was captured for. */
const mailboxItemProps: Record<string, Schema> = {
  id: str(),
  deliveryId: str(),
  receivedAt: dateTime,
  from: str(),
  to: { type: 'array', items: str() },
  subject: nullable(str()),
  size: { type: 'integer', minimum: 0 },
};

/** A captured message as a reader sees it (connector/mail-view.ts MailView). */
const mailView: Schema = obj(['from', 'to', 'cc', 'subject', 'date', 'messageId', 'text', 'html', 'headers', 'attachments'], {
  from: str(),
  to: str(),
  cc: str(),
  subject: str(),
  date: nullable(str()),
  messageId: nullable(str()),
  text: str(),
  html: nullable(str()),
  headers: { type: 'array', items: obj(['name', 'value'], { name: str(), value: str() }) },
  attachments: { type: 'array', items: obj(['contentType', 'size'], { filename: nullable(str()), contentType: str(), size: { type: 'integer' }, inline: { type: 'boolean' }, contentId: nullable(str()) }) },
}, true);

const detail: Schema = obj(['path', 'message'], { path: str(), message: str() });

/** The component schemas of response bodies (and of the connection bodies derived from schemas/). */
export function bodyComponents(): Record<string, Schema> {
  return {
    ErrorBody: {
      description: 'Every 4xx and 5xx body (design.md "Errors"). Some codes add facts beside these (a template error its line and column).',
      ...obj(['error'], { error: obj(['code', 'message'], { code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' }, message: str(), hint: str(), details: { type: 'array', items: detail } }) }, true),
    },
    Problem: obj(['code', 'message'], { code: str(), message: str(), hint: str() }),
    DeliveryStats: obj(['since', 'until', 'bucket', 'totals', 'buckets'], {
      since: dateTime,
      until: dateTime,
      bucket: { type: 'string', enum: ['hour', 'day'] },
      totals: counts,
      buckets: { type: 'array', items: obj(['start', ...Object.keys(countProps)], { start: dateTime, ...countProps }, true) },
    }, true),
    StoredFailure: obj(['code', 'message'], { code: str(), stage, message: str(), hint: str(), responseCode: { type: 'integer' }, reply: str(), detail: str() }),
    ConnectionRef: obj(['id', 'name'], { id: str(), name: str() }, true),
    ConnectionView: connectionView(),
    ConnectionPatch: { ...connectionPatch(false), title: 'ConnectionPatch' },
    ConnectionDraft: { ...connectionPatch(true), title: 'ConnectionDraft' },
    ConnectionList: list(ref('ConnectionView'), {
      inheritedDefault: {
        description: 'The platform\'s default, when this tenant has no default of its own and the platform has one: the connection its mail goes through. Else null.',
        ...nullable(obj(['id', 'name', 'scope'], { id: str(), name: str(), scope: { type: 'string', enum: ['platform'] } })),
      },
    }),
    TestResult: obj(['ok', 'stage', 'message', 'durationMs'], testResultProps),
    TestStage: { description: 'A line of a connection test\'s NDJSON progress: the stage starting, `at` ms after the request.', ...obj(['stage', 'at'], { stage, at: { type: 'integer', minimum: 0 } }, true) },
    TestEmailResult: {
      description: 'The test mail\'s one attempt, shaped as a connection test; or, when no worker tried it within a minute (202), the delivery\'s status.',
      ...obj(['deliveryId', 'locale', 'subject', 'messageId', 'message'], {
        ...testResultProps,
        status: { type: 'string', enum: [...STATUSES] },
        deliveryId: str(),
        locale: { type: 'string', enum: [...LOCALES] },
        subject: str(),
        messageId: str(),
        accepted: { type: 'array', items: str() },
        rejected: { type: 'array', items: str() },
        response: nullable(str()),
        captured: { type: 'array', items: str() },
      }),
    },
    Delivery: obj(Object.keys(deliveryProps), deliveryProps, true),
    DeliveryDetail: obj([...Object.keys(deliveryProps), 'attemptLog', 'events'], { ...deliveryProps, attemptLog: { type: 'array', items: attempt }, events: { type: 'array', items: deliveryEvent } }, true),
    Suppression: suppression,
    SuppressionList: list(ref('Suppression'), { nextCursor: nullable(str()) }),
    DkimKey: dkimKey,
    DkimKeyList: list(ref('DkimKey')),
    DomainCheck: domainCheck,
    Unsubscribed: obj(['unsubscribed'], { unsubscribed: { const: true } }, true),
    DeliveryList: list(ref('Delivery'), { nextCursor: nullable(str()) }),
    KeyRecord: obj(keyRequired, keyRecordProps, true),
    CreatedKey: { description: 'The new key: `key` is shown this once.', ...obj([...keyRequired, 'key'], { ...keyRecordProps, key: str() }, true) },
    KeyList: list(ref('KeyRecord')),
    WhoAmI: obj(['keyId', 'role', 'scope', 'label'], { keyId: str(), role, scope: str(63), label: nullable(str()) }),
    PresetList: list(
      obj(['id', 'label', 'provider', 'settings', 'note'], {
        id: str(),
        label: str(),
        provider: str(),
        settings: { type: 'object', description: 'Connection fields to start the form with.' },
        note: str(),
        suggestedRateLimit: obj(['messages', 'perSeconds', 'reason'], { messages: { type: 'integer' }, perSeconds: { type: 'integer' }, reason: str() }),
      }),
    ),
    ActionList: list(obj(['key', 'version', 'title', 'description'], { key: str(), version: { type: 'integer' }, title: str(), description: str() }, true)),
    Manifest: {
      description: 'manifest.json with every schema inlined (bundled: a schema\'s references sit under its $defs).',
      ...obj(['id', 'name', 'version', 'connector', 'actions'], { id: str(), name: str(), version: str(), connector: { type: 'object' }, actions: { type: 'array', items: { type: 'object' } } }),
    },
    ValidateResult: obj(['valid', 'errors'], { valid: { type: 'boolean' }, errors: { type: 'array', items: detail }, error: ref('ErrorBody/properties/error') }),
    Preview: obj(['connection', 'warnings'], {
      subject: str(),
      html: nullable(str()),
      text: str(),
      connection: nullable(obj(['id', 'name', 'provider'], { id: str(), name: str(), provider: str() })),
      mimeSize: { type: 'integer', minimum: 0 },
      attachments: { type: 'array', items: obj(['filename', 'size', 'inline'], { filename: str(), contentType: str(), size: { type: 'integer' }, inline: { type: 'boolean' } }) },
      calendar: nullable(obj(['method', 'content'], { method: str(), content: str() })),
      file: obj(['filename', 'contentType', 'content'], { filename: str(), contentType: str(), content: str() }),
      warnings: { type: 'array', items: ref('Problem') },
    }),
    Template: template,
    Health: obj(['status', 'database', 'version'], { status: { const: 'ok' }, database: { type: 'string', enum: ['sqlite', 'postgres'] }, version: str() }),
    Demo: obj(['enabled'], { enabled: { type: 'boolean' }, mailbox: obj(['host', 'port'], { host: str(), port: { type: 'integer' } }) }),
    Mailbox: list(obj(Object.keys(mailboxItemProps), mailboxItemProps, true), { nextCursor: nullable(str()) }),
    CapturedMail: obj([...Object.keys(mailboxItemProps), 'message', 'raw'], { ...mailboxItemProps, message: mailView, raw: { type: 'string', description: 'The message as it would have left (RFC 5322).' } }, true),
    ScopeSettings: obj(['sandbox', 'instanceSandbox'], {
      sandbox: obj(['enabled', 'allow'], { enabled: { type: 'boolean' }, allow: { type: 'array', items: str(320) } }, true),
      instanceSandbox: { type: 'boolean', description: 'ENVOI_SANDBOX (or demo mode): every scope is captured, allow lists ignored.' },
    }, true),
    ...webhookBodies(),
  };
}
