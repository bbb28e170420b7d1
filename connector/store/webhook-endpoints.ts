import type { Knex } from 'knex';

/** A webhook endpoint as stored (its secret sealed; see connector/events/signing.ts). */
export interface EndpointRow {
  id: string;
  scope: string;
  url: string;
  /** JSON: ["*"] or a list of event types. */
  events: string;
  description: string | null;
  enabled: boolean | number;
  disabled_reason: string | null;
  secret_key_id: string;
  secret_sealed: string;
  created_at: string;
  updated_at: string;
}

/** The endpoint as the API shows it: never the secret. */
export interface EndpointView {
  id: string;
  scope: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export function endpointView(r: EndpointRow): EndpointView {
  return {
    id: r.id, scope: r.scope, url: r.url, events: JSON.parse(r.events) as string[], description: r.description ?? null,
    enabled: Boolean(r.enabled), disabledReason: r.disabled_reason ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The webhook_endpoints table (migration 20261130_07). */
export class WebhookEndpointStore {
  constructor(private readonly knex: Knex) {}

  list(scope: string): Promise<EndpointRow[]> {
    return this.knex('webhook_endpoints').where({ scope }).orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]) as Promise<EndpointRow[]>;
  }

  /** An endpoint of this scope, or undefined. */
  async get(scope: string, id: string): Promise<EndpointRow | undefined> {
    return (await this.knex('webhook_endpoints').where({ scope, id }).first()) as EndpointRow | undefined;
  }

  /** An endpoint by id alone (the worker sending its messages). */
  async byId(id: string): Promise<EndpointRow | undefined> {
    return (await this.knex('webhook_endpoints').where({ id }).first()) as EndpointRow | undefined;
  }

  async insert(row: EndpointRow): Promise<void> {
    await this.knex('webhook_endpoints').insert(row);
  }

  /** Updates an endpoint of this scope; false when there is none. */
  async update(scope: string, id: string, patch: Partial<EndpointRow>): Promise<boolean> {
    return (await this.knex('webhook_endpoints').where({ scope, id }).update({ ...patch, updated_at: new Date().toISOString() })) === 1;
  }

  /** Deletes an endpoint with its messages and their attempts; false when there was none. */
  async delete(scope: string, id: string): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const n = await trx('webhook_endpoints').where({ scope, id }).delete();
      if (!n) return false;
      await trx('webhook_attempts').whereIn('message_id', trx('webhook_messages').select('id').where({ endpoint_id: id })).delete();
      await trx('webhook_messages').where({ endpoint_id: id }).delete();
      return true;
    });
  }
}
