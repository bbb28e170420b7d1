import crypto from 'node:crypto';
import { expect } from 'chai';
import type { NewDelivery } from '../../connector/store/deliveries.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, TestEnvoi } from '../support/harness.js';

/** A delivery as execute would store it; `extra` overrides fields. */
const delivery = (extra: Partial<NewDelivery> = {}): NewDelivery => {
  const id = crypto.randomUUID();
  return {
    id,
    scope: 'acme',
    connectionId: crypto.randomUUID(),
    connectionScope: 'acme',
    connectionName: 'Main',
    action: 'send-email',
    subject: 'Hello',
    recipients: ['a@customer.test'],
    envelope: { from: 'shop@envoi.test', to: ['a@customer.test'] },
    size: 12,
    messageId: `<${id}@envoi.test>`,
    idempotencyKey: null,
    maxAttempts: 3,
    dueAt: Date.now() + 3_600_000, // not due: no worker touches it
    raw: 'Subject: x\r\n\r\nhi',
    ...extra,
  };
};

for (const backend of BACKENDS) {
  describe(`outbox inserts are group-committed (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    const store = () => envoi.server.envoi.deliveries;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl }).start();
    });
    after(async () => {
      await envoi?.stop();
      await drop?.();
    });

    it('inserts that arrive together are all stored, and one bad row fails alone', async () => {
      // The first goes out at once; the rest arrive while it is written and go together.
      const good = Array.from({ length: 5 }, () => delivery());
      const bad = delivery({ connectionId: null as unknown as string });
      const results = await Promise.allSettled([store().insert(good[0]!), ...good.slice(1, 3).map((d) => store().insert(d)), store().insert(bad), ...good.slice(3).map((d) => store().insert(d))]);
      expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      for (const d of good) {
        const stored = await store().get('acme', d.id);
        expect(stored, d.id).to.include({ status: 'queued', messageId: d.messageId });
      }
      expect(await store().get('acme', bad.id)).to.equal(undefined);
    });

    it('the same idempotency key twice in one batch: one delivery, both answered with it', async () => {
      const first = delivery();
      const a = delivery({ idempotencyKey: 'order-42' });
      const b = delivery({ idempotencyKey: 'order-42' });
      const other = delivery({ idempotencyKey: 'order-42', scope: 'globex', connectionScope: 'globex' });
      const [, ra, rb, ro] = await Promise.all([store().insert(first), store().insert(a), store().insert(b), store().insert(other)]);
      expect(ra!.delivery.id).to.equal(a.id);
      expect(ra!.created).to.equal(true);
      expect(rb!.delivery.id, 'the second is answered with the first').to.equal(a.id);
      expect(rb!.created).to.equal(false);
      expect(ro!.created, 'keys are per scope').to.equal(true);
      expect(await store().get('acme', b.id)).to.equal(undefined);
    });
  });
}
