import { expect } from 'chai';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';
import { deliverySuite } from './delivery-suite.js';

/**
 * Idempotency like Stripe's (design.md "Errors", IDEMPOTENCY_KEY_REUSED): the same key with the
 * same input answers the first delivery; with another input, 422 and no second mail.
 */
for (const backend of BACKENDS) {
  describe(`idempotency keys (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { sink, connect, execute, until, mail } = deliverySuite(backend, (s) => ({ envoi } = s));
    /** Waits a little longer than the worker needs, so a second mail would have arrived. */
    const settle = () => new Promise((r) => setTimeout(r, 600));

    it('the same key with another input answers 422 with a hint; the first delivery is untouched and sends one mail', async () => {
      const s = await sink();
      await connect('acme', s, { isDefault: true });
      const first = await execute('acme', mail('ann@example.com', 'Order 1'), { idempotencyKey: 'order-1' });
      expect(first.status).to.equal(202);
      const other = await execute('acme', mail('ann@example.com', 'Order 1, changed'), { idempotencyKey: 'order-1' });
      expect(other.status).to.equal(422);
      expect(other.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(other.body.error.message).to.include('order-1').and.include(first.body.deliveryId);
      expect(other.body.error.hint).to.match(/new idempotencyKey/);
      await until('acme', first.body.deliveryId, ['sent']);
      await settle();
      expect(s.received.map((r) => r.parsed.subject)).to.deep.equal(['Order 1']);
      const list = await envoi.api('GET', '/api/v1/scopes/acme/deliveries', undefined, { key: await envoi.key('runtime', 'acme') });
      expect(list.body.items.map((d: { id: string }) => d.id)).to.deep.equal([first.body.deliveryId]);
    });

    it('the same key with the same input (keys in another order) answers the first delivery; one mail', async () => {
      const s = await sink();
      await connect('initech', s, { isDefault: true });
      const input = { to: 'bob@example.com', subject: 'Receipt', text: 'Thanks' };
      const first = await execute('initech', input, { idempotencyKey: 'receipt-7' });
      const again = await execute('initech', { text: 'Thanks', subject: 'Receipt', to: 'bob@example.com' }, { idempotencyKey: 'receipt-7' });
      expect(again.status).to.equal(202);
      expect(again.body.deliveryId).to.equal(first.body.deliveryId);
      await until('initech', first.body.deliveryId, ['sent']);
      await settle();
      expect(s.received).to.have.length(1);
    });

    it('a delivery queued before input hashes were kept (none stored) answers its key as before', async () => {
      const s = await sink();
      await connect('hooli', s, { isDefault: true });
      const first = await execute('hooli', mail('dee@example.com', 'Old'), { idempotencyKey: 'legacy-1' });
      await envoi.server.envoi.db.knex('deliveries').where({ id: first.body.deliveryId }).update({ input_hash: null });
      const again = await execute('hooli', mail('dee@example.com', 'Old, other'), { idempotencyKey: 'legacy-1' });
      expect(again.status).to.equal(202);
      expect(again.body.deliveryId).to.equal(first.body.deliveryId);
      await until('hooli', first.body.deliveryId, ['sent']);
      await settle();
      expect(s.received.map((r) => r.parsed.subject)).to.deep.equal(['Old']);
    });

    it('concurrent requests with one key: the same input gets one delivery; another input gets 422; one mail', async () => {
      const s = await sink();
      await connect('globex', s, { isDefault: true });
      const same = mail('cy@example.com', 'Race');
      const answers = await Promise.all([
        ...Array.from({ length: 6 }, () => execute('globex', same, { idempotencyKey: 'race-1' })),
        execute('globex', mail('cy@example.com', 'Race, other'), { idempotencyKey: 'race-2' }),
        ...Array.from({ length: 3 }, () => execute('globex', same, { idempotencyKey: 'race-2' })),
      ]);
      const race1 = answers.slice(0, 6);
      expect(race1.map((a) => a.status)).to.deep.equal([202, 202, 202, 202, 202, 202]);
      expect(new Set(race1.map((a) => a.body.deliveryId)).size, 'one delivery for race-1').to.equal(1);
      // race-2: whichever input won the unique index, the other input was refused.
      const race2 = answers.slice(6);
      const won = race2.filter((a) => a.status === 202);
      const refused = race2.filter((a) => a.status === 422);
      expect(won.length + refused.length).to.equal(4);
      expect(new Set(won.map((a) => a.body.deliveryId)).size).to.equal(1);
      expect(refused.every((a) => a.body.error.code === 'IDEMPOTENCY_KEY_REUSED')).to.equal(true);
      expect(refused.length === 1 || refused.length === 3, `either the odd input or the three others were refused, got ${refused.length}`).to.equal(true);
      await s.waitFor(2);
      await settle();
      expect(s.received).to.have.length(2);
    });
  });
}
