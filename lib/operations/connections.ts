import type { Envoi as Core } from '../../connector/envoi.js';
import type { ConnectionView } from '../../connector/connections.js';
import { localizedView } from '../../connector/connection-view.js';
import type { Warning } from '../../connector/connection-warnings.js';
import { EnvoiError } from '../../connector/errors.js';
import { localizeAnswer } from '../../connector/i18n/localize.js';
import { pickLocale, type Locale } from '../../connector/locales.js';
import type { StageListener, TestResult } from '../../connector/providers/results.js';
import type { StoredConnection } from '../../connector/store/connections.js';
import type { DeliveryStatus } from '../../connector/store/deliveries.js';
import { sendTestEmail } from '../../connector/test-email.js';
import { validate } from '../../schemas/validator.js';

/**
 * What a test mail answers: the outcome of its one attempt, shaped as a connection test's, or
 * (no worker tried it within a minute) the delivery's status and `queued: true`; with the
 * delivery either way.
 */
export type TestEmailResult = (TestResult | { ok?: undefined; status: DeliveryStatus; message: string; hint: string }) & { deliveryId: string; locale: Locale; subject: string; messageId: string };

/** GET …/connections: the scope's connections, and the platform default a tenant without its own inherits. */
export interface ConnectionList {
  items: ConnectionView[];
  inheritedDefault: { id: string; name: string; scope: 'platform' } | null;
}

/** A connection's settings as the API takes them (see schemas/connection.schema.json). */
export type ConnectionInput = Record<string, unknown>;

/** The language of the answer's words for people: the request's Accept-Language (English without it). */
export interface Words {
  acceptLanguage?: string | false;
}

/** The connection operations; a view's warnings are in the language of `acceptLanguage`. */
export interface ConnectionOperations {
  list(scope: string, options?: Words): Promise<ConnectionView[]>;
  /** The list as GET …/connections answers it: the scope's connections and the platform default it inherits. */
  listWithDefault(scope: string, options?: Words): Promise<ConnectionList>;
  get(scope: string, id: string, options?: Words): Promise<ConnectionView>;
  create(scope: string, input: ConnectionInput, options?: Words): Promise<ConnectionView>;
  update(scope: string, id: string, patch: ConnectionInput, options?: Words): Promise<ConnectionView>;
  delete(scope: string, id: string): Promise<void>;
  makeDefault(scope: string, id: string, options?: Words): Promise<ConnectionView>;
  /**
   * Tests a saved connection (by id), or an unsaved configuration (an object; with `id`, that
   * saved connection's secret fills a password left empty). `onStage` hears each stage once, as
   * it starts (the test's progress), once the configuration passed its checks.
   */
  test(scope: string, idOrInput: string | ConnectionInput, options?: Words & { onStage?: StageListener }): Promise<TestResult>;
  /**
   * Sends the test mail through the connection; `locale` picks its language (default English).
   * The answer's message and hint are in the language of `acceptLanguage` (English without it).
   */
  testEmail(scope: string, id: string, input: { to: string; locale?: string }, options?: Words): Promise<TestEmailResult & { queued?: true }>;
}

function objectBody(b: unknown): ConnectionInput {
  if (b === undefined) return {};
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw new EnvoiError('VALIDATION_FAILED', 'The request body must be a JSON object', { details: [{ path: '/', message: 'must be an object' }] });
  }
  return b as ConnectionInput;
}

/** A listener told a stage only when it differs from the last (a second address retries `connect`). */
function changesOnly(listener: StageListener | undefined): StageListener | undefined {
  if (!listener) return undefined;
  let last: string | undefined;
  return (stage) => {
    if (stage === last) return;
    last = stage;
    listener(stage);
  };
}

/** The connection operations of design.md "A connection", as plain calls (the routes call them too). */
export function connectionOperations(core: Core): ConnectionOperations {
  const svc = core.connections;
  const view = (c: StoredConnection, options: Words = {}, warnings?: Warning[]) => localizedView(svc.view(c, warnings), pickLocale(undefined, options.acceptLanguage));
  return {
    list: async (scope, options) => (await svc.list(scope)).map((c) => view(c, options)),
    async listWithDefault(scope, options) {
      const own = await svc.list(scope);
      return { items: own.map((c) => view(c, options)), inheritedDefault: await svc.inheritedDefault(scope, own) };
    },
    get: async (scope, id, options) => view(await svc.get(scope, id), options),
    async create(scope, input, options) {
      const { connection, warnings } = await svc.create(scope, objectBody(input));
      return view(connection, options, warnings);
    },
    async update(scope, id, patch, options) {
      const { connection, warnings } = await svc.update(scope, id, objectBody(patch));
      return view(connection, options, warnings);
    },
    delete: (scope, id) => svc.delete(scope, id),
    makeDefault: async (scope, id, options) => view(await svc.makeDefault(scope, id), options),
    async test(scope, idOrInput, options = {}) {
      const say = (r: TestResult) => localizeAnswer(r, pickLocale(undefined, options.acceptLanguage), 'test');
      const onStage = changesOnly(options.onStage);
      if (typeof idOrInput === 'string') {
        const conn = await svc.withSecrets(await svc.get(scope, idOrInput));
        const result = await core.mailer.test(conn, onStage);
        if (result.ok) await svc.passedTest(conn, conn);
        return say(result);
      }
      const b = objectBody(idOrInput);
      const basedOn = typeof b.id === 'string' ? b.id : undefined;
      const draft = await svc.draft(scope, b, basedOn);
      const result = await core.mailer.test(draft, onStage);
      if (result.ok && basedOn) await svc.passedTest(draft);
      return say(result);
    },
    async testEmail(scope, id, input, options = {}) {
      const valid = validate('test-email-request', objectBody(input));
      const locale = pickLocale(valid.locale, options.acceptLanguage);
      const result = (await sendTestEmail(core, scope, id, valid.to, locale)) as TestEmailResult & { queued?: true };
      return localizeAnswer(result, pickLocale(undefined, options.acceptLanguage), 'email');
    },
  };
}
