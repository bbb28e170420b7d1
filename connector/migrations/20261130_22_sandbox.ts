import type { Knex } from 'knex';

/**
 * Sandbox mode (issue #16, design.md "Sandbox"): each scope's settings (its sandbox and allow
 * list), the mailbox of captured mail (the message as it would have left, bounded per scope by
 * ENVOI_MAILBOX_MAX), and the recipients a delivery captured instead of sending to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scope_settings', (t) => {
    t.string('scope', 63).primary();
    /** The settings document as JSON (schemas/scope-settings.schema.json). */
    t.text('settings').notNullable();
    t.string('updated_at', 40).notNullable();
  });
  await knex.schema.createTable('mailbox', (t) => {
    t.string('id', 64).primary();
    t.string('scope', 63).notNullable();
    t.string('delivery_id', 64).notNullable();
    t.string('received_at', 40).notNullable();
    t.string('from_address', 320).notNullable();
    /** The captured recipients (JSON list). */
    t.text('recipients').notNullable();
    t.text('subject');
    t.integer('size').notNullable();
    t.text('raw').notNullable();
    // Listing newest first and dropping the oldest both walk a scope's mail by time.
    t.index(['scope', 'received_at', 'id'], 'mailbox_scope_received');
  });
  await knex.schema.alterTable('deliveries', (t) => {
    t.text('captured');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('captured');
  });
  await knex.schema.dropTable('mailbox');
  await knex.schema.dropTable('scope_settings');
}
