/**
 * Outcome unknown (issue #11): a delivery counts the attempts whose outcome was unknown (the
 * connection broke after the final dot), so ENVOI_UNKNOWN_RETRIES bounds the copies a flaky
 * server can receive; each attempt keeps the hint it was reported with.
 */
export async function up(knex) {
    await knex.schema.alterTable('deliveries', (t) => {
        t.integer('unknown_attempts').notNullable().defaultTo(0);
    });
    await knex.schema.alterTable('delivery_attempts', (t) => {
        t.text('hint');
    });
}
export async function down(knex) {
    await knex.schema.alterTable('delivery_attempts', (t) => {
        t.dropColumn('hint');
    });
    await knex.schema.alterTable('deliveries', (t) => {
        t.dropColumn('unknown_attempts');
    });
}
//# sourceMappingURL=20261130_01_outcome_unknown.js.map