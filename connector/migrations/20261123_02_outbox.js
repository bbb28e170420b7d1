/** The outbox: one delivery per message, and every attempt made to deliver it. */
export async function up(knex) {
    await knex.schema.createTable('deliveries', (t) => {
        t.string('id', 36).primary();
        t.string('scope', 63).notNullable();
        // No foreign key: a delivery outlives the connection it went through.
        t.string('connection_id', 36).notNullable();
        // The platform default serves tenants without one, so the connection's scope may differ.
        t.string('connection_scope', 63).notNullable();
        t.string('connection_name', 100).notNullable();
        t.string('action', 40).notNullable();
        t.string('status', 16).notNullable();
        t.text('subject');
        t.text('recipients').notNullable();
        t.text('envelope').notNullable();
        // The MIME message, built once at execute time; every attempt and every provider sends it.
        t.text('raw');
        t.integer('size').notNullable();
        t.string('message_id', 255).notNullable();
        t.string('idempotency_key', 255);
        t.integer('attempts').notNullable().defaultTo(0);
        t.integer('max_attempts').notNullable();
        t.bigInteger('due_at').notNullable();
        t.string('lease_owner', 64);
        t.bigInteger('lease_expires_at');
        t.text('accepted');
        t.text('rejected');
        t.text('last_error');
        t.text('response');
        t.string('created_at', 30).notNullable();
        t.string('updated_at', 30).notNullable();
        t.string('sent_at', 30);
        t.string('purged_at', 30);
        t.unique(['scope', 'idempotency_key'], { indexName: 'deliveries_scope_idempotency_unique' });
        t.index(['status', 'due_at'], 'deliveries_due');
        t.index(['scope', 'created_at', 'id'], 'deliveries_scope_created');
    });
    await knex.schema.createTable('delivery_attempts', (t) => {
        t.increments('id');
        t.string('delivery_id', 36).notNullable().references('id').inTable('deliveries').onDelete('CASCADE');
        t.integer('number').notNullable();
        t.string('worker', 64).notNullable();
        t.string('started_at', 30).notNullable();
        t.integer('duration_ms').notNullable();
        t.string('outcome', 16).notNullable();
        t.string('code', 40);
        t.integer('response_code');
        t.text('reply');
        t.text('message');
        t.index(['delivery_id'], 'delivery_attempts_delivery');
    });
}
export async function down(knex) {
    await knex.schema.dropTable('delivery_attempts');
    await knex.schema.dropTable('deliveries');
}
//# sourceMappingURL=20261123_02_outbox.js.map