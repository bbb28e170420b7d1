import type { Knex } from 'knex';

/**
 * Deliverability (issue #16, design.md "Deliverability"): DKIM keys per scope and domain, several
 * selectors per domain for rotation, the private key sealed like every secret; and which key
 * signed a delivery (`dkim`: `{domain, selector}` as JSON, null when nothing signed it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dkim_keys', (t) => {
    t.string('id', 64).primary();
    t.string('scope', 63).notNullable();
    t.string('domain', 253).notNullable();
    t.string('selector', 63).notNullable();
    t.string('algorithm', 16).notNullable();
    /** The base64 `p=` of the DNS record (SPKI DER for RSA, the raw 32 bytes for Ed25519, RFC 8463). */
    t.text('public_key').notNullable();
    t.string('private_key_id', 64).notNullable();
    t.text('private_key_sealed').notNullable();
    t.string('created_at', 40).notNullable();
    t.unique(['scope', 'domain', 'selector'], { indexName: 'dkim_keys_scope_domain_selector' });
  });
  await knex.schema.alterTable('deliveries', (t) => {
    t.string('dkim', 400);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('dkim');
  });
  await knex.schema.dropTable('dkim_keys');
}
