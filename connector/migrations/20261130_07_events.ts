import type { Knex } from 'knex';

/**
 * Closing the loop (issue #15, design.md "Events and webhooks", "Bounces, complaints and
 * suppression"): webhook endpoints per scope (their secret sealed like every secret), durable
 * webhook messages leased like mail, their attempts with the endpoint's answers, the events of a
 * delivery's recipients after "sent" (delivered, bounced, complained), the suppression list, and
 * the recipients a delivery dropped because they were on it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.string('id', 64).primary();
    t.string('scope', 63).notNullable().index('webhook_endpoints_scope');
    t.string('url', 2048).notNullable();
    t.text('events').notNullable();
    t.string('description', 500);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('disabled_reason', 500);
    t.string('secret_key_id', 64).notNullable();
    t.text('secret_sealed').notNullable();
    t.string('created_at', 40).notNullable();
    t.string('updated_at', 40).notNullable();
  });
  await knex.schema.createTable('webhook_messages', (t) => {
    t.string('id', 64).primary();
    t.string('endpoint_id', 64).notNullable().index('webhook_messages_endpoint');
    t.string('scope', 63).notNullable();
    t.string('type', 64).notNullable();
    /** The body exactly as signed and sent, the same bytes on every retry. */
    t.text('payload').notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('due_at').notNullable();
    t.string('lease_owner', 64);
    t.bigInteger('lease_expires_at');
    t.integer('last_status');
    t.text('last_error');
    t.string('created_at', 40).notNullable();
    t.string('updated_at', 40).notNullable();
    t.index(['status', 'due_at'], 'webhook_messages_due');
  });
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.string('message_id', 64).notNullable();
    t.integer('number').notNullable();
    t.string('started_at', 40).notNullable();
    t.integer('duration_ms').notNullable();
    t.integer('status');
    t.text('error');
    t.text('response');
    t.primary(['message_id', 'number']);
  });
  await knex.schema.createTable('delivery_events', (t) => {
    t.string('id', 64).primary();
    t.string('delivery_id', 64).notNullable().index('delivery_events_delivery');
    t.string('scope', 63).notNullable();
    t.string('type', 32).notNullable();
    t.string('recipient', 320).notNullable();
    t.string('at', 40).notNullable();
    t.text('bounce');
    t.string('source', 32).notNullable();
    /** What makes an inbound event the same event when it comes twice (a provider's event id, a DSN's Message-ID). */
    t.string('dedupe_key', 255).unique('delivery_events_dedupe');
  });
  await knex.schema.createTable('suppressions', (t) => {
    t.string('scope', 63).notNullable();
    t.string('email', 320).notNullable();
    t.string('reason', 32).notNullable();
    t.string('delivery_id', 64);
    t.string('created_at', 40).notNullable();
    t.primary(['scope', 'email']);
  });
  await knex.schema.alterTable('deliveries', (t) => {
    t.text('suppressed');
    // A DSN or a complaint report names the original Message-ID: it finds its delivery by it.
    t.index(['message_id'], 'deliveries_message_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropIndex(['message_id'], 'deliveries_message_id');
    t.dropColumn('suppressed');
  });
  for (const table of ['suppressions', 'delivery_events', 'webhook_attempts', 'webhook_messages', 'webhook_endpoints']) await knex.schema.dropTable(table);
}
