import type { Knex } from 'knex';

/**
 * One-time values of providers' event requests (a Mailgun webhook token), kept in the database so
 * that a replay to any process of the deployment is refused, and forgotten once they expire.
 */
export class InboundTokenStore {
  constructor(private readonly knex: Knex) {}

  /** Remembers `key` for `ttlMs`; false when it was seen before and has not expired. */
  async once(key: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    await this.knex('inbound_tokens').where('expires_at', '<', now.toISOString()).delete();
    const inserted = (await this.knex('inbound_tokens')
      .insert({ key, expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .onConflict('key')
      .ignore()
      .returning('key')) as unknown[];
    return inserted.length > 0;
  }
}
