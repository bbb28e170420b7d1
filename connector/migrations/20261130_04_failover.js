/**
 * Failover (design.md "Failover"): a connection may name a fallback of its scope (kept by id);
 * a delivery knows which connection of its chain its next attempt goes through (0: the primary);
 * each attempt records the connection it went through.
 */
export async function up(knex) {
    await knex.schema.alterTable('connections', (t) => {
        t.string('fallback_id', 64).nullable();
    });
    await knex.schema.alterTable('deliveries', (t) => {
        t.integer('route_index').notNullable().defaultTo(0);
    });
    await knex.schema.alterTable('delivery_attempts', (t) => {
        t.string('connection_id', 64).nullable();
        t.string('connection_name', 100).nullable();
    });
}
export async function down(knex) {
    await knex.schema.alterTable('delivery_attempts', (t) => {
        t.dropColumn('connection_id');
        t.dropColumn('connection_name');
    });
    await knex.schema.alterTable('deliveries', (t) => {
        t.dropColumn('route_index');
    });
    await knex.schema.alterTable('connections', (t) => {
        t.dropColumn('fallback_id');
    });
}
//# sourceMappingURL=20261130_04_failover.js.map