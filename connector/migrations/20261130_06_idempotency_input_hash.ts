import type { Knex } from 'knex';

/**
 * Idempotency like Stripe's (issue #14): a delivery keeps a hash of the input its idempotency key
 * came with, so the same key with another input is refused (422 IDEMPOTENCY_KEY_REUSED, design.md
 * "Errors") instead of silently answering the first delivery. Nullable: deliveries written before
 * this migration have no hash, and a reuse of their key is treated as the same input.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.string('input_hash', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('input_hash');
  });
}
