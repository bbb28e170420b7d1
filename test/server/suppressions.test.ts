import { expect } from 'chai';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';
import { sleep } from '../support/wait.js';
import { deliverySuite } from './delivery-suite.js';

/**
 * The suppression list (design.md "Bounces, complaints and suppression"): execute drops listed
 * recipients from the envelope and the headers, says so on the delivery and in a webhook, fails a
 * delivery with nobody left without trying it, and lets mail flow again once an admin removes the
 * address; `?event=` finds deliveries by their recipients' events.
 */
for (const backend of BACKENDS) {
  describe(`the suppression list at execute (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let runtime: string;
    const { sink, connect, execute, delivery, until } = deliverySuite(backend, (s) => ({ envoi, runtime } = s));
    const knex = () => envoi.server.envoi.db.knex;
    const list = (scope: string, query = '') => envoi.api('GET', `/api/v1/scopes/${scope}/suppressions${query}`, undefined, { key: runtime });
    const webhookMessages = async (type: string, deliveryId: string) =>
      ((await knex()('webhook_messages').where({ type })) as Array<{ payload: string }>).map((m) => JSON.parse(m.payload)).filter((b) => b.data.deliveryId === deliveryId);

    before(async function () {
      if (!envoi) return;
      const now = new Date().toISOString();
      // A host's endpoint hearing everything (the webhook API is another part of issue #15).
      await knex()('webhook_endpoints').insert({ id: 'we_all', scope: 'platform', url: 'https://hooks.host.test/in', events: JSON.stringify(['*']), enabled: true, secret_key_id: 'k', secret_sealed: 'x', created_at: now, updated_at: now });
    });

    it('an admin adds an address (201; again: 409), the runtime reads and searches the list, and may not add', async () => {
      const added = await envoi.api('POST', '/api/v1/scopes/acme/suppressions', { email: 'Gone@Example.com' });
      expect(added.status).to.equal(201);
      expect(added.body).to.deep.include({ email: 'gone@example.com', reason: 'manual', deliveryId: null });
      const again = await envoi.api('POST', '/api/v1/scopes/acme/suppressions', { email: 'gone@example.com' });
      expect(again.status).to.equal(409);
      expect(again.body.error.hint).to.be.a('string');
      const bad = await envoi.api('POST', '/api/v1/scopes/acme/suppressions', { email: 'not an address', reason: 'spam' });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['/email', '/reason']);
      await envoi.api('POST', '/api/v1/scopes/acme/suppressions', { email: 'other@example.org' });
      expect((await list('acme', '?email=example.com')).body.items.map((s: { email: string }) => s.email)).to.deep.equal(['gone@example.com']);
      expect((await list('acme', '?reason=manual')).body.items).to.have.length(2);
      expect((await list('globex')).body.items, 'another scope has its own list').to.deep.equal([]);
      expect((await envoi.api('POST', '/api/v1/scopes/acme/suppressions', { email: 'x@example.com' }, { key: runtime })).status).to.equal(403);
      expect((await list('acme', '?reason=bogus')).status).to.equal(400);
    });

    it('send-email drops a listed recipient from envelope and headers; the delivery lists it; delivery.suppressed is published', async () => {
      const s = await sink();
      await connect('acme', s, { isDefault: true });
      const r = await execute('acme', { to: ['GONE@example.com', 'kept@example.com'], cc: 'Other <other@example.org>', subject: 'Mixed', text: 'hi' });
      expect(r.status).to.equal(202);
      const d = await until('acme', r.body.deliveryId, ['sent']);
      expect(d.suppressed).to.deep.equal(['GONE@example.com', 'other@example.org']);
      expect(d.recipients).to.deep.equal(['kept@example.com']);
      const [got] = await s.waitFor(1);
      expect(got!.envelope.to).to.deep.equal(['kept@example.com']);
      expect(got!.parsed.to).to.have.property('text', 'kept@example.com');
      expect(got!.parsed.cc, 'the Cc header is gone with its only address').to.equal(undefined);
      const [event] = await webhookMessages('delivery.suppressed', d.id);
      expect(event.data).to.deep.include({ deliveryId: d.id, scope: 'acme', action: 'send-email', suppressed: ['GONE@example.com', 'other@example.org'] });
      expect(await webhookMessages('delivery.failed', d.id)).to.deep.equal([]);
    });

    it('with everyone listed: failed ALL_RECIPIENTS_SUPPRESSED at once (?wait answers 200), no attempt, no mail, delivery.failed too; retry cannot send it', async () => {
      const s = await sink();
      await connect('initech', s, { isDefault: true });
      await envoi.api('POST', '/api/v1/scopes/initech/suppressions', { email: 'gone@example.com' });
      const started = Date.now();
      const r = await execute('initech', { to: 'gone@example.com', subject: 'Nobody', text: 'hi' }, { wait: 10 });
      expect(r.status).to.equal(200);
      expect(Date.now() - started, '?wait does not wait for an attempt that never comes').to.be.below(5000);
      expect(r.body).to.deep.include({ status: 'failed' });
      expect(r.body.error.code).to.equal('ALL_RECIPIENTS_SUPPRESSED');
      expect(r.body.error.hint).to.match(/suppression list/);
      const d = await delivery('initech', r.body.deliveryId);
      expect(d).to.deep.include({ status: 'failed', attempts: 0, suppressed: ['gone@example.com'], recipients: [] });
      expect(d.attemptLog).to.deep.equal([]);
      expect(d.lastError.code).to.equal('ALL_RECIPIENTS_SUPPRESSED');
      const retry = await envoi.api('POST', `/api/v1/scopes/initech/deliveries/${d.id}/retry`, {});
      expect(retry.status, 'a retry never sends to the suppressed').to.be.within(400, 499);
      await sleep(400);
      expect(s.received).to.have.length(0);
      expect(await webhookMessages('delivery.suppressed', d.id)).to.have.length(1);
      const [failed] = await webhookMessages('delivery.failed', d.id);
      expect(failed.data.error.code).to.equal('ALL_RECIPIENTS_SUPPRESSED');
      // A system mail obeys the list too.
      const inv = await envoi.api('POST', '/api/v1/scopes/initech/actions/send-invitation/execute', { input: { to: 'gone@example.com', appName: 'Acme', link: 'https://app.example.com/i/1', inviterName: 'Ann' } }, { key: runtime });
      expect(inv.status).to.equal(202);
      expect(inv.body.status).to.equal('failed');
    });

    it('a delivery and its delivery.suppressed are stored together: when the event cannot be written neither is, and the same execute again stores both once', async () => {
      const s = await sink();
      await connect('umbrella', s, { isDefault: true });
      await envoi.api('POST', '/api/v1/scopes/umbrella/suppressions', { email: 'gone@example.com' });
      // The events table refuses every row, as a database that fails mid-transaction would.
      const pg = knex().client.config.client === 'pg';
      if (pg) {
        await knex().raw(`CREATE OR REPLACE FUNCTION envoi_test_no_events() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the event cannot be written'; END $$ LANGUAGE plpgsql`);
        await knex().raw('CREATE TRIGGER envoi_test_no_events BEFORE INSERT ON webhook_messages FOR EACH ROW EXECUTE FUNCTION envoi_test_no_events()');
      } else {
        await knex().raw(`CREATE TRIGGER envoi_test_no_events BEFORE INSERT ON webhook_messages BEGIN SELECT RAISE(ABORT, 'the event cannot be written'); END`);
      }
      const input = { to: ['gone@example.com', 'kept@example.com'], subject: 'Together', text: 'hi' };
      try {
        const refused = await execute('umbrella', input, { idempotencyKey: 'together-1' });
        expect(refused.status, refused.text).to.be.within(500, 599);
        expect(refused.text, 'no internal detail leaks').not.to.match(/webhook_messages|cannot be written/);
      } finally {
        await knex().raw('DROP TRIGGER envoi_test_no_events' + (pg ? ' ON webhook_messages' : ''));
      }
      const stored = async () => (await knex()('deliveries').where({ scope: 'umbrella', idempotency_key: 'together-1' })) as Array<{ id: string }>;
      expect(await stored(), 'no delivery without its event').to.deep.equal([]);
      await sleep(300);
      expect(s.received, 'nothing was sent').to.have.length(0);
      const again = await execute('umbrella', input, { idempotencyKey: 'together-1' });
      expect(again.status).to.equal(202);
      await until('umbrella', again.body.deliveryId, ['sent']);
      expect((await stored()).map((d) => d.id)).to.deep.equal([again.body.deliveryId]);
      expect(await webhookMessages('delivery.suppressed', again.body.deliveryId)).to.have.length(1);
      expect((await s.waitFor(1))[0]!.envelope.to).to.deep.equal(['kept@example.com']);
    });

    it('DELETE takes the address off (204; again: 404) and mail reaches it again', async () => {
      const s = await sink();
      await connect('hooli', s, { isDefault: true });
      await envoi.api('POST', '/api/v1/scopes/hooli/suppressions', { email: 'back@example.com' });
      expect((await envoi.api('DELETE', '/api/v1/scopes/hooli/suppressions/BACK%40example.com', undefined, { key: runtime })).status, 'runtime may not remove').to.equal(403);
      expect((await envoi.api('DELETE', '/api/v1/scopes/hooli/suppressions/BACK%40example.com')).status).to.equal(204);
      const gone = await envoi.api('DELETE', '/api/v1/scopes/hooli/suppressions/back%40example.com');
      expect(gone.status).to.equal(404);
      expect(gone.body.error.code).to.equal('NOT_FOUND');
      const r = await execute('hooli', { to: 'back@example.com', subject: 'Welcome back', text: 'hi' });
      const d = await until('hooli', r.body.deliveryId, ['sent']);
      expect(d.suppressed).to.deep.equal([]);
      expect((await s.waitFor(1))[0]!.envelope.to).to.deep.equal(['back@example.com']);
    });

    it('?event=bounced lists the deliveries with a bounce; the detail shows the events', async () => {
      const s = await sink();
      await connect('umbrella', s, { isDefault: true });
      const a = await execute('umbrella', { to: 'a@example.com', subject: 'A', text: 'a' });
      const b = await execute('umbrella', { to: 'b@example.com', subject: 'B', text: 'b' });
      await until('umbrella', a.body.deliveryId, ['sent']);
      await until('umbrella', b.body.deliveryId, ['sent']);
      const events = envoi.server.envoi.deliveryEvents;
      await events.record({ deliveryId: b.body.deliveryId, recipient: 'b@example.com', type: 'bounced', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 unknown user' }, source: 'dsn' });
      await events.record({ deliveryId: a.body.deliveryId, recipient: 'a@example.com', type: 'delivered', source: 'ses' });
      const ids = async (q: string) => (await envoi.api('GET', `/api/v1/scopes/umbrella/deliveries${q}`, undefined, { key: runtime })).body.items.map((d: { id: string }) => d.id);
      expect(await ids('?event=bounced')).to.deep.equal([b.body.deliveryId]);
      expect(await ids('?event=delivered')).to.deep.equal([a.body.deliveryId]);
      expect(await ids('?event=complained')).to.deep.equal([]);
      expect((await envoi.api('GET', '/api/v1/scopes/umbrella/deliveries?event=opened', undefined, { key: runtime })).status).to.equal(400);
      const d = await delivery('umbrella', b.body.deliveryId);
      expect(d.events).to.have.length(1);
      expect(d.events[0]).to.deep.include({ type: 'bounced', recipient: 'b@example.com', source: 'dsn', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 unknown user' } });
      // The hard bounce put the address on the list: the next mail to it is dropped.
      expect((await list('umbrella', '?reason=hard-bounce')).body.items[0]).to.deep.include({ email: 'b@example.com', deliveryId: b.body.deliveryId });
      const next = await execute('umbrella', { to: 'b@example.com', subject: 'Again', text: 'b' });
      expect(next.body.status).to.equal('failed');
    });
  });
}
