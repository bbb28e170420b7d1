import { expect } from 'chai';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { sleep } from '../support/wait.js';

describe('retention: bodies of sent mail are purged, the record and its attempts stay', () => {
  let envoi: TestEnvoi;
  let sink: SmtpSink;
  before(async () => {
    // ENVOI_RETENTION_DAYS=0: a worker purges every sent body on its next purge round (at start).
    envoi = await new TestEnvoi({ overrides: { retentionDays: 0, pollMs: 50 } }).start();
    sink = await new SmtpSink({ tls: 'none' }).start();
  });
  after(async () => {
    await envoi.stop();
    await sink.close();
  });

  it('after the retention period the message body is gone but the delivery log is intact', async () => {
    await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true }));
    const sent = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'a@customer.test', subject: 'Keep the record', text: 'private body' } });
    expect(sent.body.status).to.equal('sent');
    const failedSink = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection({ host: '127.0.0.1', port: 1 }, { authMethod: 'NONE', name: 'nowhere' }));
    const failed = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'b@customer.test', subject: 'Failed', text: 'keep me for a retry', connection: failedSink.body.id } });
    expect(failed.body.status).to.be.oneOf(['failed', 'retrying']);

    await sleep(20);
    await envoi.restart();
    const knex = envoi.server.envoi.db.knex;
    for (let i = 0; i < 50 && (await knex('deliveries').where({ id: sent.body.deliveryId }).first()).raw !== null; i++) await sleep(50);

    const row = await knex('deliveries').where({ id: sent.body.deliveryId }).first();
    expect(row.raw, 'the sent body is purged').to.equal(null);
    const d = (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${sent.body.deliveryId}`)).body;
    expect(d).to.include({ status: 'sent', subject: 'Keep the record' });
    expect(d.bodyPurgedAt).to.be.a('string');
    expect(d.attemptLog).to.have.length(1);
    // Mail that was not sent keeps its body, so it can still be retried.
    expect((await knex('deliveries').where({ id: failed.body.deliveryId }).first()).raw).to.include('keep me for a retry');
  });

  it('rate-limit events older than any window are dropped by the same hourly round', async () => {
    const knex = envoi.server.envoi.db.knex;
    const day = 86_400_000;
    await knex('rate_events').insert([
      { connection_id: 'c-old', delivery_id: 'd-old', started_ms: Date.now() - 3 * day, at_ms: Date.now() - 3 * day },
      { connection_id: 'c-new', delivery_id: 'd-new', started_ms: Date.now() - 1000, at_ms: Date.now() - 1000 },
    ]);
    await envoi.restart();
    const db = envoi.server.envoi.db.knex;
    for (let i = 0; i < 50 && (await db('rate_events').where({ delivery_id: 'd-old' }).first()); i++) await sleep(50);
    expect(await db('rate_events').where({ delivery_id: 'd-old' }).first(), 'three days old: gone').to.equal(undefined);
    expect(await db('rate_events').where({ delivery_id: 'd-new' }).first(), 'a second old: kept').to.not.equal(undefined);
  });
});
