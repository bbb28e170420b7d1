import type { ConnectionService } from '../connector/connections.js';
import type { Outbox } from '../connector/delivery/outbox.js';
import type { Logger } from '../connector/log.js';
import type { Mailer } from '../connector/mailer.js';

/** What an action may use while it runs; nothing else reaches it. */
export interface ActionContext {
  scope: string;
  connections: ConnectionService;
  outbox: Outbox;
  mailer: Mailer;
  logger: Logger;
  idempotencyKey?: string | undefined;
  maxAttempts: number;
  signal?: AbortSignal;
}

/** A workflow action: stable key, version, labels, schemas, and what it does. */
export interface ActionDefinition<I = unknown, O = unknown> {
  /** Stable, never renamed (`send-email`); labels may change, keys may not. */
  key: string;
  /** Bumped when a schema change would break a saved workflow; old versions keep their schema. */
  version: number;
  title: string;
  description: string;
  /** File names in `schemas/`. */
  inputSchema: string;
  outputSchema: string;
  execute(ctx: ActionContext, input: I): Promise<O>;
}

/** Declares an action with its input and output types tied to its schemas. */
export function defineAction<I, O>(def: ActionDefinition<I, O>): ActionDefinition<I, O> {
  return Object.freeze(def);
}
