import type { Knex } from 'knex';

/**
 * The providers (issue #13): an attempt records the message id the provider gave the mail (SES
 * `MessageId`, SendGrid `X-Message-Id`, Mailgun `id`, Postmark `MessageID`, Resend `id`, Gmail
 * `id`), indexed, so the events a provider reports later (delivered, bounced, complained) find
 * their delivery (design.md "Providers", "Bounces, complaints and suppression").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_attempts', (t) => {
    t.string('provider_message_id', 255);
    t.index(['provider_message_id'], 'delivery_attempts_provider_message_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_attempts', (t) => {
    t.dropIndex(['provider_message_id'], 'delivery_attempts_provider_message_id');
    t.dropColumn('provider_message_id');
  });
}
