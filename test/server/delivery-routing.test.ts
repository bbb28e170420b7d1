import { expect } from 'chai';
import { BACKENDS, TestEnvoi } from '../support/harness.js';
import { sleep } from '../support/wait.js';
import { deliverySuite } from './delivery-suite.js';

for (const backend of BACKENDS) {
  describe(`delivery: outbox, worker, retries, idempotency (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { sink, connect, execute, delivery, until, mail } = deliverySuite(backend, (s) => ({ envoi } = s));

    it('resolves the connection: named, tenant default, platform fallback, foreign, none', async () => {
      const platformSink = await sink();
      const acmeDefault = await sink();
      const acmeNamed = await sink();
      const globexSink = await sink();

      const none = await execute('initech', mail('a@customer.test'));
      expect(none.status).to.equal(409);
      expect(none.body.error.code).to.equal('NO_DEFAULT_CONNECTION');
      expect(none.body.error.hint).to.match(/default/);

      const platformId = await connect('platform', platformSink, { isDefault: true });
      await connect('acme', acmeDefault, { isDefault: true });
      const namedId = await connect('acme', acmeNamed, { name: 'Newsletters' });
      await connect('globex', globexSink, { name: 'Globex only', isDefault: true });

      const viaDefault = await execute('acme', mail('d@customer.test', 'default'), { wait: 10 });
      const viaName = await execute('acme', { ...mail('n@customer.test', 'by name'), connection: 'Newsletters' }, { wait: 10 });
      const viaId = await execute('acme', { ...mail('i@customer.test', 'by id'), connection: namedId }, { wait: 10 });
      const viaPlatform = await execute('initech', mail('p@customer.test', 'fallback'), { wait: 10 });
      for (const r of [viaDefault, viaName, viaId, viaPlatform]) expect(r.status, r.text).to.equal(200);
      expect(viaPlatform.body.status).to.equal('sent');
      expect(acmeDefault.received.map((m) => m.parsed.subject)).to.deep.equal(['default']);
      expect(acmeNamed.received.map((m) => m.parsed.subject)).to.deep.equal(['by name', 'by id']);
      expect(platformSink.received.map((m) => m.parsed.subject)).to.deep.equal(['fallback']);

      const foreign = await execute('acme', { ...mail('f@customer.test'), connection: 'Globex only' });
      expect(foreign.status).to.equal(404);
      expect(foreign.body.error.code).to.equal('CONNECTION_NOT_FOUND');
      expect(globexSink.received).to.have.length(0);
      // A tenant's runtime key cannot execute in another tenant.
      const acmeRuntime = await envoi.key('runtime', 'acme');
      expect((await execute('globex', mail('x@customer.test'), { key: acmeRuntime })).status).to.equal(403);
      expect(platformId).to.be.a('string');

      // The resolved connection is remembered briefly, but a change takes effect at the next request:
      // a new default, then the old default deleted, then the named one renamed.
      const newDefaultId = await connect('acme', acmeNamed, { name: 'Transactional' });
      expect((await envoi.api('POST', `/api/v1/scopes/acme/connections/${newDefaultId}/default`)).status).to.equal(200);
      expect((await execute('acme', mail('s@customer.test', 'after switch'), { wait: 10 })).status).to.equal(200);
      expect(acmeNamed.received.map((m) => m.parsed.subject)).to.include('after switch');
      expect(acmeDefault.received.map((m) => m.parsed.subject)).to.deep.equal(['default']);
      expect((await envoi.api('DELETE', `/api/v1/scopes/acme/connections/${newDefaultId}`)).status).to.equal(204);
      expect((await execute('acme', mail('g@customer.test', 'after delete'), { wait: 10 })).status).to.equal(200);
      expect(platformSink.received.map((m) => m.parsed.subject), 'no tenant default any more: the platform one').to.deep.equal(['fallback', 'after delete']);
      expect((await envoi.api('PATCH', `/api/v1/scopes/acme/connections/${namedId}`, { name: 'Renamed' })).status).to.equal(200);
      const byOldName = await execute('acme', { ...mail('o@customer.test'), connection: 'Newsletters' });
      expect(byOldName.status, 'the old name no longer resolves').to.equal(404);
    });

    it('20 concurrent requests with one idempotency key: one delivery, one mail', async () => {
      const s = await sink();
      const id = await connect('platform', s, { name: 'idempotent' });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => execute('platform', { ...mail('once@customer.test', 'only once'), connection: id }, { idempotencyKey: 'order-42-confirmation' })),
      );
      expect(results.map((r) => r.status).every((st) => st === 202)).to.equal(true);
      expect(new Set(results.map((r) => r.body.deliveryId)).size).to.equal(1);
      await until('platform', results[0]!.body.deliveryId, ['sent']);
      await sleep(300);
      expect(s.received).to.have.length(1);
      // A later retry of the workflow step still gets the same delivery and its current status.
      const later = await execute('platform', { ...mail('once@customer.test', 'only once'), connection: id }, { idempotencyKey: 'order-42-confirmation' });
      expect(later.body).to.deep.equal({ deliveryId: results[0]!.body.deliveryId, status: 'sent' });
      expect(s.received).to.have.length(1);
    });

    it('sendAt in the future holds the mail until its time', async () => {
      const s = await sink();
      const id = await connect('platform', s, { name: 'scheduled' });
      const at = new Date(Date.now() + 1500);
      const r = await execute('platform', { ...mail('later@customer.test', 'scheduled'), connection: id, sendAt: at.toISOString() });
      expect(r.status).to.equal(202);
      const queued = await delivery('platform', r.body.deliveryId);
      expect(queued.status).to.equal('queued');
      expect(Date.parse(queued.nextAttemptAt)).to.equal(at.getTime());
      await sleep(900);
      expect(s.received, 'sent before its time').to.have.length(0);
      const d = await until('platform', r.body.deliveryId, ['sent']);
      expect(Date.parse(d.sentAt)).to.be.at.least(at.getTime());
      expect(s.received[0]!.parsed.date!.getTime()).to.be.closeTo(at.getTime(), 1000);
    });

    it('the delivery log lists newest first, filters by status and pages with a cursor', async () => {
      const s = await sink();
      const id = await connect('log-tenant', s, { name: 'log', isDefault: true });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await execute('log-tenant', mail(`n${i}@customer.test`, `log ${i}`), { key: undefined })).body.deliveryId);
      for (const d of ids) await until('log-tenant', d, ['sent']);
      const page1 = await envoi.api('GET', '/api/v1/scopes/log-tenant/deliveries?limit=2');
      expect(page1.body.items.map((d: { subject: string }) => d.subject)).to.deep.equal(['log 4', 'log 3']);
      const page2 = await envoi.api('GET', `/api/v1/scopes/log-tenant/deliveries?limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((d: { subject: string }) => d.subject)).to.deep.equal(['log 2', 'log 1']);
      const page3 = await envoi.api('GET', `/api/v1/scopes/log-tenant/deliveries?limit=2&cursor=${page2.body.nextCursor}`);
      expect(page3.body.items.map((d: { subject: string }) => d.subject)).to.deep.equal(['log 0']);
      expect(page3.body.nextCursor).to.equal(null);
      expect((await envoi.api('GET', '/api/v1/scopes/log-tenant/deliveries?status=failed')).body.items).to.deep.equal([]);
      expect((await envoi.api('GET', '/api/v1/scopes/log-tenant/deliveries?status=sent')).body.items).to.have.length(5);
      const bad = await envoi.api('GET', '/api/v1/scopes/log-tenant/deliveries?status=lost');
      expect(bad.status).to.equal(400);
      expect((await envoi.api('GET', '/api/v1/scopes/log-tenant/deliveries?cursor=garbage')).body.error.code).to.equal('VALIDATION_FAILED');
      // Another tenant does not see them.
      expect((await envoi.api('GET', `/api/v1/scopes/other-tenant/deliveries/${ids[0]}`)).status).to.equal(404);
      expect(id).to.be.a('string');
    });

    it('limits are checked before anything is queued', async () => {
      const s = await sink();
      const id = await connect('platform', s, { name: 'limits' });
      const many = Array.from({ length: 101 }, (_, i) => `r${i}@customer.test`);
      const tooMany = await execute('platform', { ...mail(many.slice(0, 60)), cc: many.slice(60), connection: id });
      expect(tooMany.status).to.equal(400);
      expect(tooMany.body.error.message).to.match(/100 recipients/);
      const badAddress = await execute('platform', { ...mail(['ok@customer.test', 'Not An Address <nope>']), connection: id });
      expect(badAddress.status).to.equal(400);
      expect(badAddress.body.error.details).to.deep.equal([{ path: '/to/1', message: '"nope" is not a valid email address' }]);
      const noBody = await execute('platform', { to: 'a@customer.test', subject: 'x', connection: id });
      expect(noBody.status).to.equal(400);
      expect(noBody.body.error.details[0].path).to.equal('/text');
      const list = await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=500');
      expect(list.body.items.filter((d: { connection: { id: string } }) => d.connection.id === id)).to.have.length(0);
    });
  });
}
