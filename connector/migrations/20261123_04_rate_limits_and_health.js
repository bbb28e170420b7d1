/** Rate-limit bookkeeping shared by every worker, connection health, and why mail waits. */
export async function up(knex) {
    // One row per send through a rate-limited connection: in flight until `at_ms` is set.
    await knex.schema.createTable('rate_events', (t) => {
        t.increments('id');
        t.string('connection_id', 36).notNullable();
        t.string('delivery_id', 36).notNullable();
        t.bigInteger('started_ms').notNullable();
        t.bigInteger('at_ms');
        t.index(['connection_id', 'at_ms'], 'rate_events_connection');
    });
    // A row per connection to lock while deciding (PostgreSQL); SQLite serializes writers anyway.
    await knex.schema.createTable('rate_locks', (t) => {
        t.string('connection_id', 36).primary();
    });
    await knex.schema.alterTable('connections', (t) => {
        t.string('health_status', 16).notNullable().defaultTo('ok');
        t.text('health_error');
        t.string('health_since', 30);
    });
    await knex.schema.alterTable('deliveries', (t) => {
        // Why a queued delivery is waiting (rate limit, unhealthy connection), shown in the log.
        t.text('wait_reason');
        t.index(['connection_id', 'status'], 'deliveries_connection_status');
    });
}
export async function down(knex) {
    await knex.schema.alterTable('deliveries', (t) => {
        t.dropIndex(['connection_id', 'status'], 'deliveries_connection_status');
        t.dropColumn('wait_reason');
    });
    await knex.schema.alterTable('connections', (t) => {
        t.dropColumn('health_since');
        t.dropColumn('health_error');
        t.dropColumn('health_status');
    });
    await knex.schema.dropTable('rate_locks');
    await knex.schema.dropTable('rate_events');
}
//# sourceMappingURL=20261123_04_rate_limits_and_health.js.map