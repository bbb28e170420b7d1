import { EnvoiError } from '../connector/errors.js';
import type { StoredConnection } from '../connector/store/connections.js';
import type { SchemaName, SendEmailOutput } from '../schemas/types.js';
import type { ActionContext } from './context.js';
import type { BuiltMessage, MessageParts } from './message.js';

export type { ActionContext } from './context.js';

/** What preview shows a builder: the rendered mail, where it would go out, and how big it is. */
export interface Preview {
  subject?: string;
  html?: string | null;
  text?: string;
  connection: { id: string; name: string; provider: string } | null;
  mimeSize?: number;
  attachments?: BuiltMessage['attachments'];
  calendar?: { method: string; content: string } | null;
  file?: { filename: string; contentType: string; content: string };
  warnings: Array<{ code: string; message: string; hint?: string }>;
}

/** A schema file of `schemas/` (a typo is a compile error, not a start-up failure). */
export type SchemaFile = `${SchemaName}.schema.json`;

/** A workflow action: stable key, version, labels, schemas, and what it does. */
export interface ActionDefinition<I = any, O = any> {
  /** Stable, never renamed (`send-email`); labels may change, keys may not. */
  key: string;
  /** Bumped when a schema change would break a saved workflow; old versions keep their schema. */
  version: number;
  title: string;
  description: string;
  /** File names in `schemas/`. */
  inputSchema: SchemaFile;
  outputSchema: SchemaFile;
  /** HTTP status of a successful execute (202 queued mail; 200 for a file made on the spot). */
  executeStatus: 200 | 202;
  execute(ctx: ActionContext, input: I): Promise<O>;
  /** Renders what execute would do, without doing it. Throws what execute would throw. */
  preview(ctx: ActionContext, input: I): Promise<Preview>;
}

/** Declares an action; the definition is frozen so nothing changes it at run time. */
export function defineAction<I, O>(def: ActionDefinition<I, O>): ActionDefinition<I, O> {
  return Object.freeze(def);
}

/** A mail action's plan: the parts to render, the connection asked for, when to send. */
export interface MailPlan {
  parts: MessageParts;
  connection?: string | undefined;
  locale?: string | undefined;
  sendAt?: Date | undefined;
  /** Add RFC 8058 one-click unsubscribe headers (send-email's listUnsubscribe). */
  listUnsubscribe?: boolean | undefined;
}

const domainOf = (email: string | undefined) => (email && email.includes('@') ? email.split('@').pop()! : 'envoi.invalid');

/**
 * A mail action from a `plan`: execute renders, resolves the connection and queues the message;
 * preview renders and measures it without queueing.
 */
export function defineMailAction<I>(spec: Omit<ActionDefinition<I, SendEmailOutput>, 'execute' | 'preview' | 'outputSchema' | 'executeStatus'> & { plan(ctx: ActionContext, input: I): Promise<MailPlan> }): ActionDefinition<I, SendEmailOutput> {
  const render = (ctx: ActionContext, plan: MailPlan, connection: StoredConnection | undefined) =>
    ctx.render(plan.parts, { uidDomain: domainOf(connection?.settings.senderEmail), locale: plan.locale });
  return defineAction<I, SendEmailOutput>({
    key: spec.key,
    version: spec.version,
    title: spec.title,
    description: spec.description,
    inputSchema: spec.inputSchema,
    outputSchema: 'send-email.output.schema.json',
    executeStatus: 202,
    async execute(ctx, input) {
      const plan = await spec.plan(ctx, input);
      const connection = await ctx.resolveConnection(plan.connection);
      const built = await render(ctx, plan, connection);
      const delivery = await ctx.enqueue({ action: spec.key, connection, mail: built.mail, sendAt: plan.sendAt, listUnsubscribe: plan.listUnsubscribe });
      return { deliveryId: delivery.id, status: delivery.status };
    },
    async preview(ctx, input) {
      const warnings: Preview['warnings'] = [];
      const plan = await spec.plan(ctx, input);
      let connection: StoredConnection | undefined;
      try {
        connection = await ctx.resolveConnection(plan.connection);
      } catch (err) {
        // A builder may preview before an admin set up a default; say so instead of failing.
        if (!(err instanceof EnvoiError) || err.code !== 'NO_DEFAULT_CONNECTION') throw err;
        warnings.push({ code: err.code, message: err.message, hint: err.hint });
      }
      const built = await render(ctx, plan, connection);
      const composed = await ctx.compose(built.mail, connection);
      return {
        subject: built.subject,
        html: built.html ?? null,
        text: built.text ?? composed.text,
        connection: connection ? { id: connection.id, name: connection.name, provider: connection.provider } : null,
        mimeSize: composed.size,
        attachments: built.attachments,
        calendar: built.calendar ? { method: built.calendar.method, content: built.calendar.content } : null,
        warnings,
      };
    },
  });
}
