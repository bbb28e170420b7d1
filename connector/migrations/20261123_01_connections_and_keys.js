/** Connections, their sealed secrets, and API keys. */
export async function up(knex) {
    await knex.schema.createTable('connections', (t) => {
        t.string('id', 36).primary();
        t.string('scope', 63).notNullable();
        t.string('name', 100).notNullable();
        // Lower-cased name: names are unique per scope regardless of case, on SQLite and PostgreSQL alike.
        t.string('name_key', 100).notNullable();
        t.string('provider', 20).notNullable();
        t.text('settings').notNullable();
        t.boolean('is_default').notNullable().defaultTo(false);
        t.integer('version').notNullable().defaultTo(1);
        t.string('created_at', 30).notNullable();
        t.string('updated_at', 30).notNullable();
        t.unique(['scope', 'name_key'], { indexName: 'connections_scope_name_unique' });
    });
    // At most one default per scope, enforced by the database itself (a partial unique index;
    // both SQLite >= 3.8 and PostgreSQL accept this form).
    await knex.raw('CREATE UNIQUE INDEX connections_one_default_per_scope ON connections (scope) WHERE is_default = TRUE');
    await knex.schema.createTable('connection_secrets', (t) => {
        t.string('connection_id', 36).notNullable().references('id').inTable('connections').onDelete('CASCADE');
        t.string('field', 40).notNullable();
        t.string('key_id', 16).notNullable();
        t.text('sealed').notNullable();
        t.primary(['connection_id', 'field']);
    });
    await knex.schema.createTable('api_keys', (t) => {
        t.string('id', 36).primary();
        t.string('key_hash', 64).notNullable().unique();
        t.string('prefix', 20).notNullable();
        t.string('role', 16).notNullable();
        t.string('scope', 63).notNullable();
        t.string('label', 200);
        t.string('created_at', 30).notNullable();
        t.string('last_used_at', 30);
        t.string('revoked_at', 30);
    });
}
export async function down(knex) {
    await knex.schema.dropTable('api_keys');
    await knex.schema.dropTable('connection_secrets');
    await knex.schema.dropTable('connections');
}
//# sourceMappingURL=20261123_01_connections_and_keys.js.map