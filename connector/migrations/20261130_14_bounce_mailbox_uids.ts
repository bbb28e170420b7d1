import type { Knex } from 'knex';

/**
 * The messages of a bounce mailbox already processed (design.md "Bounces, complaints and
 * suppression": each report is processed once). IMAP names a message by its UID, which holds only
 * within one UIDVALIDITY of one folder (RFC 9051 §2.3.1.1), so all four name a row. Marking the
 * message \Seen is the other half; this table covers a poll that died between the two.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bounce_mailbox_uids', (t) => {
    t.string('connection_id', 64).notNullable();
    t.string('folder', 200).notNullable();
    t.bigInteger('uid_validity').notNullable();
    t.bigInteger('uid').notNullable();
    t.string('outcome', 40).notNullable();
    t.string('processed_at', 40).notNullable();
    t.primary(['connection_id', 'folder', 'uid_validity', 'uid']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('bounce_mailbox_uids');
}
