/**
 * Fair claiming skips connections and scopes that already hold their share of a worker; with the
 * connection and scope in the partial index on due time, that skip reads the index alone instead
 * of every skipped row of the table.
 */
export async function up(knex) {
    await knex.raw("CREATE INDEX deliveries_waiting_due_share ON deliveries (due_at, connection_id, scope) WHERE status IN ('queued', 'retrying')");
    await knex.raw('DROP INDEX deliveries_waiting_due');
}
export async function down(knex) {
    await knex.raw("CREATE INDEX deliveries_waiting_due ON deliveries (due_at) WHERE status IN ('queued', 'retrying')");
    await knex.raw('DROP INDEX deliveries_waiting_due_share');
}
//# sourceMappingURL=20261130_02_fair_claim_index.js.map