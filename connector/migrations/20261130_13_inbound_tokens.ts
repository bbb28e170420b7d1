import type { Knex } from 'knex';

/**
 * One-time values of providers' event requests (design.md "Bounces, complaints and suppression"):
 * Mailgun's webhook token may be used once, and every process of a deployment must know which
 * were seen, so they live in the database until they expire (a signature that old is refused anyway).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbound_tokens', (t) => {
    t.string('key', 300).primary();
    t.string('expires_at', 40).notNullable().index('inbound_tokens_expires');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('inbound_tokens');
}
