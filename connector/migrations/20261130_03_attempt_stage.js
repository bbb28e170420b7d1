/**
 * One failure catalogue (issue #12): an attempt keeps its failure whole, so it records the stage
 * it reached (`dns` … `send`, `done` when sent) beside the code, reply, reply code and hint it
 * already had; nothing is re-derived from the code or the text later.
 */
export async function up(knex) {
    await knex.schema.alterTable('delivery_attempts', (t) => {
        t.string('stage', 16);
    });
}
export async function down(knex) {
    await knex.schema.alterTable('delivery_attempts', (t) => {
        t.dropColumn('stage');
    });
}
//# sourceMappingURL=20261130_03_attempt_stage.js.map