import crypto from 'node:crypto';
import { expect } from 'chai';
import type { NewDelivery } from '../../../connector/store/deliveries.js';
import { skipUnlessCI } from '../../support/env.js';
import { BACKENDS, TestEnvoi } from '../../support/harness.js';

const delivery = (to: string): NewDelivery => {
  const id = crypto.randomUUID();
  return {
    id, scope: 'acme', connectionId: crypto.randomUUID(), connectionScope: 'acme', connectionName: 'Main', action: 'send-email',
    subject: 'Hello', recipients: [to], envelope: { from: 'shop@envoi.test', to: [to] }, size: 12, messageId: `<${id}@envoi.test>`,
    idempotencyKey: null, maxAttempts: 3, dueAt: Date.now() + 3_600_000, raw: 'Subject: x\r\n\r\nhi',
  };
};

for (const backend of BACKENDS) {
  describe(`recipient events land once, suppress hard bounces and complaints, and queue webhooks (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    const core = () => envoi.server.envoi;
    const knex = () => core().db.knex;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl }).start();
      const now = new Date().toISOString();
      // A tenant endpoint hearing bounces only, and a platform endpoint hearing everything.
      await knex()('webhook_endpoints').insert([
        { id: 'we_acme', scope: 'acme', url: 'https://hooks.acme.test/in', events: JSON.stringify(['delivery.bounced']), enabled: true, secret_key_id: 'k', secret_sealed: 'x', created_at: now, updated_at: now },
        { id: 'we_platform', scope: 'platform', url: 'https://hooks.host.test/in', events: JSON.stringify(['*']), enabled: true, secret_key_id: 'k', secret_sealed: 'x', created_at: now, updated_at: now },
        { id: 'we_globex', scope: 'globex', url: 'https://hooks.globex.test/in', events: JSON.stringify(['*']), enabled: true, secret_key_id: 'k', secret_sealed: 'x', created_at: now, updated_at: now },
      ]);
    });
    after(async () => {
      await envoi?.stop();
      await drop?.();
    });

    it('a hard bounce: on the delivery once (a repeated report changes nothing), the address suppressed, one webhook message per listening endpoint', async () => {
      const { delivery: d } = await core().deliveries.insert(delivery('Gone@Customer.test'));
      const e = { deliveryId: d.id, recipient: 'Gone@Customer.test', type: 'bounced' as const, bounce: { type: 'hard' as const, status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 no such user' }, source: 'dsn', dedupeKey: `dsn:${d.id}:gone` };
      expect(await core().deliveryEvents.record(e)).to.equal(true);
      expect(await core().deliveryEvents.record(e), 'the same report again').to.equal(false);
      const events = await core().deliveryEvents.of(d.id);
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ type: 'bounced', recipient: 'gone@customer.test', source: 'dsn' });
      expect(await core().suppressions.suppressed('acme', ['gone@customer.test', 'other@customer.test'])).to.deep.equal(['gone@customer.test']);
      expect((await core().suppressions.get('acme', 'GONE@customer.test'))?.reason).to.equal('hard-bounce');
      const messages = (await knex()('webhook_messages').where({ type: 'delivery.bounced' })) as Array<{ endpoint_id: string; payload: string; status: string }>;
      expect(messages.map((m) => m.endpoint_id).sort()).to.deep.equal(['we_acme', 'we_platform']);
      const body = JSON.parse(messages[0]!.payload);
      expect(body.type).to.equal('delivery.bounced');
      expect(body.data).to.include({ deliveryId: d.id, scope: 'acme', recipient: 'gone@customer.test', source: 'dsn', messageId: d.messageId });
      expect(body.data.bounce).to.deep.equal(e.bounce);
      expect(messages.every((m) => m.status === 'pending')).to.equal(true);
    });

    it('a soft bounce is recorded but never suppresses; a complaint suppresses; a delivered event only tells the platform endpoint', async () => {
      const { delivery: d } = await core().deliveries.insert(delivery('full@customer.test'));
      await core().deliveryEvents.record({ deliveryId: d.id, recipient: 'full@customer.test', type: 'bounced', bounce: { type: 'soft', status: '4.2.2' }, source: 'sendgrid' });
      expect(await core().suppressions.get('acme', 'full@customer.test')).to.equal(undefined);
      await core().deliveryEvents.record({ deliveryId: d.id, recipient: 'full@customer.test', type: 'complained', source: 'arf' });
      expect((await core().suppressions.get('acme', 'full@customer.test'))?.reason).to.equal('complaint');
      const before = (await knex()('webhook_messages').where({ type: 'delivery.delivered' })).length;
      await core().deliveryEvents.record({ deliveryId: d.id, recipient: 'full@customer.test', type: 'delivered', source: 'ses' });
      const delivered = (await knex()('webhook_messages').where({ type: 'delivery.delivered' })) as Array<{ endpoint_id: string }>;
      expect(delivered.length - before).to.equal(1);
      expect(delivered[delivered.length - 1]!.endpoint_id).to.equal('we_platform');
      expect((await core().deliveryEvents.of(d.id)).map((x) => x.type)).to.deep.equal(['bounced', 'complained', 'delivered']);
    });

    it('an event for an unknown delivery changes nothing', async () => {
      expect(await core().deliveryEvents.record({ deliveryId: 'nope', recipient: 'a@b.test', type: 'complained', source: 'arf' })).to.equal(false);
      expect(await core().suppressions.get('acme', 'a@b.test')).to.equal(undefined);
    });
  });
}
