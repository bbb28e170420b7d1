import { expect } from 'chai';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { sleep } from '../support/wait.js';
import { deliverySuite } from './delivery-suite.js';

/**
 * Sandbox mode per scope (design.md "Sandbox"): recipients outside the allow list are captured
 * into the scope's mailbox instead of being sent to; a delivery with nobody allowed ends
 * `captured` without any connection to the server; the mailbox keeps the newest ENVOI_MAILBOX_MAX.
 */
for (const backend of BACKENDS) {
  describe(`sandbox mode of a scope (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let runtime: string;
    const { sink, connect, execute, delivery, until } = deliverySuite(backend, (s) => ({ envoi, runtime } = s), { mailboxMax: 3 });
    const knex = () => envoi.server.envoi.db.knex;
    const settings = (scope: string, sandbox: { enabled: boolean; allow: string[] }, key?: string) => envoi.api('PUT', `/api/v1/scopes/${scope}/settings`, { sandbox }, key ? { key } : {});
    const mailbox = async (scope: string, query = '') => (await envoi.api('GET', `/api/v1/scopes/${scope}/mailbox${query}`)).body;
    const webhookMessages = async (type: string, deliveryId: string) =>
      ((await knex()('webhook_messages').where({ type })) as Array<{ payload: string }>).map((m) => JSON.parse(m.payload)).filter((b) => b.data.deliveryId === deliveryId);
    /** A sink that counts the TCP sessions it was opened for (an all-captured delivery opens none). */
    const countingSink = async () => {
      const counter = { sessions: 0, sink: undefined as unknown as SmtpSink };
      counter.sink = await sink({ server: { onConnect: (_s, cb) => { counter.sessions++; cb(); } } });
      return counter;
    };

    before(async function () {
      if (!envoi) return;
      const now = new Date().toISOString();
      // A host's endpoint hearing everything, inserted as delivery-events.test.ts does.
      await knex()('webhook_endpoints').insert({ id: 'we_all', scope: 'platform', url: 'https://hooks.host.test/in', events: JSON.stringify(['*']), enabled: true, secret_key_id: 'k', secret_sealed: 'x', created_at: now, updated_at: now });
    });

    it('settings: off by default; an admin turns the sandbox on (entries lower-cased); bad entries are 400 per field; a builder reads but may not write', async () => {
      const first = await envoi.api('GET', '/api/v1/scopes/acme/settings');
      expect(first.body).to.deep.equal({ sandbox: { enabled: false, allow: [] }, instanceSandbox: false });
      const bad = await settings('acme', { enabled: true, allow: ['not an address', 'ok@example.com'] });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['/sandbox/allow/0']);
      const tooMany = await settings('acme', { enabled: true, allow: Array.from({ length: 501 }, (_, i) => `u${i}@example.com`) });
      expect(tooMany.status).to.equal(400);
      const builder = await envoi.key('builder', 'acme');
      expect((await settings('acme', { enabled: true, allow: [] }, builder)).status).to.equal(403);
      const put = await settings('acme', { enabled: true, allow: ['Allowed@Example.com', '@Team.test'] });
      expect(put.status).to.equal(200);
      expect(put.body.sandbox).to.deep.equal({ enabled: true, allow: ['allowed@example.com', '@team.test'] });
      expect((await envoi.api('GET', '/api/v1/scopes/acme/settings', undefined, { key: builder })).body.sandbox.enabled).to.equal(true);
      expect((await envoi.api('GET', '/api/v1/scopes/globex/settings')).body.sandbox.enabled, 'another scope is not a sandbox').to.equal(false);
    });

    it('sends to the allowed recipients only and captures the rest: the server sees the allowed envelope, the mailbox the original headers', async () => {
      const s = await sink();
      await connect('acme', s, { isDefault: true });
      const r = await execute('acme', { to: ['ALLOWED@example.com', 'Customer@Client.test'], cc: ['x@team.test', 'other@client.test'], subject: 'Mixed', text: 'hi' });
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
      const d = await until('acme', r.body.deliveryId, ['sent']);
      // As the envelope writes them (the domain lower-cased, the local part as given).
      expect(d.captured).to.deep.equal(['Customer@client.test', 'other@client.test']);
      expect(d.accepted).to.have.members(['ALLOWED@example.com', 'x@team.test']);
      const [got] = await s.waitFor(1);
      expect(got!.envelope.to).to.have.members(['ALLOWED@example.com', 'x@team.test']);
      expect(got!.parsed.to).to.have.property('text').that.contains('Customer@client.test');
      const box = await mailbox('acme');
      expect(box.items).to.have.length(1);
      expect(box.items[0]).to.deep.include({ deliveryId: d.id, subject: 'Mixed', to: ['Customer@client.test', 'other@client.test'] });
      const mail = (await envoi.api('GET', `/api/v1/scopes/acme/mailbox/${box.items[0].id}`)).body;
      expect(mail.message.cc).to.contain('other@client.test');
      expect(mail.message.text.trim()).to.equal('hi');
      expect(mail.raw).to.contain('Subject: Mixed');
      const [event] = await webhookMessages('delivery.captured', d.id);
      expect(event.data).to.deep.include({ deliveryId: d.id, scope: 'acme', captured: ['Customer@client.test', 'other@client.test'] });
    });

    it('with nobody allowed: `captured` at once (?wait answers 200), no attempt, no connection to the server; ?status=captured lists it; delivery.captured queued', async () => {
      const counter = await countingSink();
      await connect('globex', counter.sink, { isDefault: true });
      await settings('globex', { enabled: true, allow: [] });
      const started = Date.now();
      const r = await execute('globex', { to: 'customer@client.test', subject: 'Kept', text: 'hi' }, { wait: 10 });
      expect(r.status).to.equal(200);
      expect(Date.now() - started).to.be.below(5000);
      expect(r.body).to.deep.include({ status: 'captured' });
      expect(r.body.error).to.equal(undefined);
      const d = await delivery('globex', r.body.deliveryId);
      expect(d).to.deep.include({ status: 'captured', attempts: 0, captured: ['customer@client.test'] });
      expect(d.attemptLog).to.deep.equal([]);
      const listed = await envoi.api('GET', '/api/v1/scopes/globex/deliveries?status=captured', undefined, { key: runtime });
      expect(listed.body.items.map((x: { id: string }) => x.id)).to.deep.equal([d.id]);
      expect((await envoi.api('GET', '/api/v1/scopes/globex/deliveries?status=sent', undefined, { key: runtime })).body.items).to.deep.equal([]);
      expect((await webhookMessages('delivery.captured', d.id)).map((m) => m.data.captured)).to.deep.equal([['customer@client.test']]);
      expect((await mailbox('globex')).items.map((m: { deliveryId: string }) => m.deliveryId)).to.deep.equal([d.id]);
      const retry = await envoi.api('POST', `/api/v1/scopes/globex/deliveries/${d.id}/retry`, {});
      expect(retry.status, 'a captured delivery cannot be sent by a retry').to.be.within(400, 499);
      await sleep(500);
      expect(counter.sessions, 'the server was never connected to').to.equal(0);
      expect(counter.sink.received).to.have.length(0);
    });

    it('the mailbox keeps the newest ENVOI_MAILBOX_MAX per scope (oldest dropped first), pages by cursor, is admin-only, and empties', async () => {
      const s = await sink();
      await connect('initech', s, { isDefault: true });
      await settings('initech', { enabled: true, allow: [] });
      for (let i = 1; i <= 5; i++) {
        const r = await execute('initech', { to: 'a@client.test', subject: `Mail ${i}`, text: 'x' });
        expect(r.body.status).to.equal('captured');
        await sleep(5);
      }
      const all = await mailbox('initech');
      expect(all.items.map((m: { subject: string }) => m.subject)).to.deep.equal(['Mail 5', 'Mail 4', 'Mail 3']);
      const page = await mailbox('initech', '?limit=2');
      expect(page.items).to.have.length(2);
      const next = await mailbox('initech', `?limit=2&cursor=${page.nextCursor}`);
      expect(next.items.map((m: { subject: string }) => m.subject)).to.deep.equal(['Mail 3']);
      expect(next.nextCursor).to.equal(null);
      expect((await mailbox('acme')).items, 'other scopes keep theirs').to.have.length(1);
      expect((await envoi.api('GET', '/api/v1/scopes/initech/mailbox', undefined, { key: runtime })).status).to.equal(403);
      expect((await envoi.api('DELETE', '/api/v1/scopes/initech/mailbox')).status).to.equal(204);
      expect((await mailbox('initech')).items).to.deep.equal([]);
      expect((await envoi.api('GET', `/api/v1/scopes/initech/mailbox/${all.items[0].id}`)).status).to.equal(404);
      // Sandbox off again: mail goes out.
      await settings('initech', { enabled: false, allow: [] });
      const r = await execute('initech', { to: 'a@client.test', subject: 'Out', text: 'x' });
      await until('initech', r.body.deliveryId, ['sent']);
      expect((await s.waitFor(1))[0]!.parsed.subject).to.equal('Out');
    });
  });
}
