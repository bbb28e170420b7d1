/** Per-scope overrides of the built-in system mail templates, per action and locale. */
export async function up(knex) {
    await knex.schema.createTable('templates', (t) => {
        t.string('scope', 63).notNullable();
        t.string('action', 40).notNullable();
        t.string('locale', 10).notNullable();
        t.text('subject').notNullable();
        t.text('html').notNullable();
        t.text('text').notNullable();
        t.string('updated_at', 30).notNullable();
        t.primary(['scope', 'action', 'locale']);
    });
}
export async function down(knex) {
    await knex.schema.dropTable('templates');
}
//# sourceMappingURL=20261123_03_templates.js.map