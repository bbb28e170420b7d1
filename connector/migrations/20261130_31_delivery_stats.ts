import type { Knex } from 'knex';

/**
 * The deliveries dashboard (issue #17): `…/deliveries/stats` counts a scope's recipient events by
 * time, so delivery_events gets an index on (scope, at, type) that answers the count from the
 * index alone. The deliveries side reads deliveries_scope_created (scope, created_at, id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_events', (t) => {
    t.index(['scope', 'at', 'type'], 'delivery_events_scope_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_events', (t) => {
    t.dropIndex(['scope', 'at', 'type'], 'delivery_events_scope_at');
  });
}
