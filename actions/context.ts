import crypto from 'node:crypto';
import { screenRecipients } from '../connector/delivery/suppression.js';
import { withOneClick } from '../connector/delivery/one-click.js';
import type { Composed } from '../connector/delivery/compose.js';
import type { Envoi } from '../connector/envoi.js';
import type { Logger } from '../connector/log.js';
import type { StoredConnection } from '../connector/store/connections.js';
import type { Delivery } from '../connector/store/deliveries.js';
import type Mail from 'nodemailer/lib/mailer';
import { buildMessage, type BuiltMessage, type MessageParts } from './message.js';
import { RENDER_JOB, rendersInline, type RenderJob } from './render-job.js';
import { systemTemplate, type ResolvedTemplate } from './templates/system.js';
import type { SystemAction } from './templates/builtin.js';

/** The services an action context is made from: a slice of Envoi, never handed to an action whole. */
export type ActionServices = Pick<Envoi, 'config' | 'logger' | 'connections' | 'outbox' | 'mailer' | 'templates' | 'pool' | 'suppressions' | 'keyring'>;

/** What an action may do while it runs, and nothing else (style.md, practice 1). */
export interface ActionContext {
  scope: string;
  idempotencyKey?: string | undefined;
  logger: Logger;
  /** Aborted when the caller gives up (the HTTP client went away, the host cancelled). */
  signal?: AbortSignal | undefined;
  /** The connection a mail of this scope goes through: the one named, else the defaults (design.md "Scopes"). */
  resolveConnection(ref?: string): Promise<StoredConnection>;
  /** Renders a message's templates off the event loop, under the scope's share and the budgets. */
  render(parts: MessageParts, opts: { uidDomain: string; locale?: string | undefined }): Promise<BuiltMessage>;
  /** This server's public base URL (ENVOI_PUBLIC_URL), which one-click unsubscribe links need. */
  publicUrl: string | undefined;
  /**
   * Queues a rendered message through `connection` (From and Reply-To filled from it), without
   * the recipients on the scope's suppression list; `listUnsubscribe` adds RFC 8058's headers.
   */
  enqueue(req: { action: string; connection: StoredConnection; mail: Mail.Options; sendAt?: Date | undefined; listUnsubscribe?: boolean | undefined }): Promise<Delivery>;
  /** Builds the MIME message without queueing it (what preview measures). */
  compose(mail: Mail.Options, connection: StoredConnection | undefined): Promise<Composed>;
  /** The scope's template of a system mail in the nearest locale (scope, platform, built-in). */
  template(action: SystemAction, locale: string | undefined): Promise<ResolvedTemplate>;
}

export interface ContextOptions {
  idempotencyKey?: string | undefined;
  inputHash?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The system mail's template in place of the stored one (previewing an unsaved edit). */
  template?: ActionContext['template'] | undefined;
}

/** A placeholder id for messages built only to be measured (previews); never stored. */
const PREVIEW_ID = '00000000-0000-4000-8000-000000000000';

/** The context of one action run in `scope`, made from the services it may use. */
export function actionContext(s: ActionServices, scope: string, opts: ContextOptions = {}): ActionContext {
  const maxBytes = s.config.maxMessageBytes;
  return {
    scope,
    idempotencyKey: opts.idempotencyKey,
    logger: s.logger,
    signal: opts.signal,
    resolveConnection: (ref) => s.connections.resolveForSend(scope, ref),
    render: async (parts, o) =>
      rendersInline(parts)
        ? buildMessage(parts, { uidDomain: o.uidDomain, locale: o.locale, budget: { deadline: Date.now() + s.config.composeTimeoutMs, maxOutput: maxBytes } })
        : s.pool.run<BuiltMessage>(scope, RENDER_JOB, { parts, uidDomain: o.uidDomain, locale: o.locale, maxBytes } satisfies RenderJob),
    publicUrl: s.config.publicUrl,
    async enqueue(req) {
      const id = crypto.randomUUID();
      const full = s.mailer.envelopeFor(req.connection, req.mail);
      const screened = await screenRecipients(s.suppressions, scope, full);
      const mail = req.listUnsubscribe && screened.anyLeft ? withOneClick(s.keyring, s.config.publicUrl, { scope, deliveryId: id }, screened.mail) : screened.mail;
      // The outbox writes delivery.suppressed (and delivery.failed when nobody is left) with the delivery.
      const { delivery } = await s.outbox.enqueue({
        id,
        scope,
        connection: req.connection,
        action: req.action,
        mail: screened.anyLeft ? mail : full,
        suppressed: screened.suppressed,
        allSuppressed: !screened.anyLeft,
        idempotencyKey: opts.idempotencyKey,
        inputHash: opts.inputHash,
        sendAt: req.sendAt,
        maxAttempts: s.config.maxAttempts,
      });
      return delivery;
    },
    compose(mail, connection) {
      const full = connection ? s.mailer.envelopeFor(connection, mail) : { ...mail, from: 'preview@envoi.invalid' };
      return s.outbox.composer.compose(scope, PREVIEW_ID, full, maxBytes);
    },
    template: opts.template ?? ((action, locale) => systemTemplate(s.templates, scope, action, locale)),
  };
}
