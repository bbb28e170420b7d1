import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import { newSecret, signedHeaders } from '../../../connector/events/signing.js';
import { triggers } from '../../../connector/events/triggers.js';
import { EVENT_TYPES } from '../../../connector/events/types.js';
import { nextAfter, RETRY_SCHEDULE_MS } from '../../../connector/events/webhook-worker.js';
import { readSchema } from '../../../schemas/validator.js';

const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;

describe('webhook signing (Standard Webhooks)', () => {
  it('signs as the standardwebhooks package does, and it verifies; a changed body or another secret does not', () => {
    const secret = newSecret();
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).to.have.length(32);
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { endpointId: 'we_1' } });
    const now = Date.now();
    const h = signedHeaders(secret, 'msg_abc', body, now);
    expect(h['webhook-timestamp']).to.equal(String(Math.floor(now / 1000)));
    expect(h['webhook-signature']).to.equal(new Webhook(secret).sign('msg_abc', new Date(Math.floor(now / 1000) * 1000), body));
    expect(new Webhook(secret).verify(body, h)).to.deep.equal(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('we_1', 'we_2'), h)).to.throw();
    expect(() => new Webhook(newSecret()).verify(body, h)).to.throw();
  });
});

describe('webhook retry schedule', () => {
  const now = 1_000_000;
  it('2xx delivers; anything else waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then fails; 410 fails at once', () => {
    expect(nextAfter(200, 1, now, 1)).to.deep.equal({ status: 'delivered' });
    expect(nextAfter(204, 8, now, 1)).to.deep.equal({ status: 'delivered' });
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => (nextAfter(500, n, now, 1) as { dueAt: number }).dueAt - now);
    expect(waits).to.deep.equal([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(nextAfter(null, 3, now, 1)).to.deep.include({ status: 'pending' });
    expect(nextAfter(302, 1, now, 1)).to.deep.include({ status: 'pending' });
    expect(nextAfter(500, 8, now, 1)).to.deep.equal({ status: 'failed' });
    expect(nextAfter(410, 1, now, 1)).to.deep.equal({ status: 'failed' });
    expect(nextAfter(500, 2, now, 0.01)).to.deep.equal({ status: 'pending', dueAt: now + 3000 });
    expect(RETRY_SCHEDULE_MS).to.have.length(7);
  });
});

describe('events: the endpoint schemas and the manifest triggers follow EVENT_TYPES', () => {
  it('the endpoint schemas accept exactly "*" and the event types', () => {
    for (const f of ['webhook-endpoint.schema.json', 'webhook-endpoint-patch.schema.json']) {
      const s = readSchema(f) as { properties: { events: { items: { enum: string[] } } } };
      expect(s.properties.events.items.enum, f).to.deep.equal(['*', ...EVENT_TYPES]);
    }
  });

  it('one trigger per event type, each data schema standing alone under strict ajv', () => {
    const list = triggers();
    expect(list.map((t) => t.key)).to.deep.equal([...EVENT_TYPES]);
    const ajv = addFormats(new Ajv2020({ strict: true }));
    for (const t of list) {
      expect(t.title, t.key).to.be.a('string').and.not.empty;
      expect(t.description, t.key).to.be.a('string').and.not.empty;
      const validate = ajv.compile(t.dataSchema);
      expect(validate({}), `${t.key} requires its fields`).to.equal(false);
    }
    const sent = ajv.compile(list.find((t) => t.key === 'delivery.sent')!.dataSchema);
    const data = { deliveryId: 'd', scope: 'acme', action: 'send-email', idempotencyKey: null, connection: { id: 'c', name: 'Main' }, messageId: '<m@x>', providerMessageId: null, accepted: ['a@b.test'], rejected: [] };
    expect(sent(data), JSON.stringify(sent.errors)).to.equal(true);
  });
});
