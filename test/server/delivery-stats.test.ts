import { expect } from 'chai';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';
import { deliverySuite } from './delivery-suite.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

/**
 * The deliveries dashboard's API (issue #17): `…/deliveries/stats` counts what the delivery log
 * lists, by hour and by day, and the log is searchable by recipient, subject, status, event and
 * date range, every filter combinable with the others and with paging.
 */
for (const backend of BACKENDS) {
  describe(`deliveries stats and search (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let runtime: string;
    const { sink, connect, execute, until } = deliverySuite(backend, (s) => ({ envoi, runtime } = s), { maxAttempts: 1 });
    const get = (path: string) => envoi.api('GET', `/api/v1/scopes/acme/deliveries${path}`, undefined, { key: runtime });
    const ids = async (query: string) => {
      const r = await get(query);
      expect(r.status, r.text).to.equal(200);
      return (r.body.items as Array<{ id: string }>).map((d) => d.id).sort();
    };
    const sent: string[] = [];
    let failed = '';

    before(async function () {
      if (!envoi) return;
      // Mail to nobody@ is refused for good (5xx at RCPT): that delivery fails at its one attempt.
      const s = await sink({ server: { onRcptTo: (a, _s, cb) => (a.address.startsWith('nobody@') ? cb(smtpError('5.1.1 User unknown', 550)) : cb()) } });
      await connect('acme', s, { isDefault: true });
      const inputs = [
        { to: 'Ada.Lovelace@Example.com', subject: 'Invoice 100% paid' },
        { to: ['bob@example.org', 'carol@example.com'], subject: 'Weekly report' },
        { to: 'dave_x@example.net', subject: 'Invoice reminder' },
        { to: 'eve@example.com', subject: 'Welcome' },
      ];
      for (const i of inputs) {
        const r = await execute('acme', { ...i, text: 'Hello' });
        sent.push((await until('acme', r.body.deliveryId, ['sent'])).id);
      }
      const r = await execute('acme', { to: 'nobody@example.com', subject: 'Lost invoice', text: 'Hello' });
      failed = (await until('acme', r.body.deliveryId, ['failed'])).id;
      const events = envoi.server.envoi.deliveryEvents;
      await events.record({ deliveryId: sent[0]!, recipient: 'ada.lovelace@example.com', type: 'bounced', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 unknown user' }, source: 'dsn' });
      await events.record({ deliveryId: sent[1]!, recipient: 'bob@example.org', type: 'complained', source: 'arf' });
      await events.record({ deliveryId: sent[1]!, recipient: 'carol@example.com', type: 'bounced', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'x' }, source: 'dsn' });
      await events.record({ deliveryId: sent[2]!, recipient: 'dave_x@example.net', type: 'delivered', source: 'provider' });
      // Another scope's mail never counts here.
      const other = await sink();
      await connect('globex', other, { isDefault: true });
      await until('globex', (await execute('globex', { to: 'x@example.com', subject: 'Invoice', text: 'x' })).body.deliveryId, ['sent']);
    });

    it('stats totals equal the counts of the list, by day (the default range: the last 7 days) and by hour', async () => {
      const day = await get('/stats');
      expect(day.status, day.text).to.equal(200);
      expect(day.body.bucket).to.equal('day');
      expect(day.body.buckets).to.have.length(7);
      expect(day.body.buckets[0].start).to.match(/T00:00:00\.000Z$/);
      const listed = async (q: string) => (await ids(`${q}${q ? '&' : '?'}limit=500`)).length;
      const expected = { queued: 0, sent: await listed('?status=sent'), failed: await listed('?status=failed'), captured: 0, bounced: 2, complained: 1 };
      expect(expected).to.deep.include({ sent: 4, failed: 1 });
      expect(day.body.totals).to.deep.equal(expected);
      // Today's bucket holds them all (or yesterday's and today's, for a run across midnight UTC).
      const daySum = (k: string) => day.body.buckets.reduce((n: number, b: Record<string, number>) => n + b[k]!, 0);
      expect(Object.fromEntries(Object.keys(expected).map((k) => [k, daySum(k)]))).to.deep.equal(expected);
      expect(day.body.buckets.slice(0, -2).every((b: Record<string, number>) => b.sent === 0 && b.bounced === 0), 'earlier days are empty').to.equal(true);

      const since = new Date(Date.now() - 3 * 3_600_000).toISOString();
      const hour = await get(`/stats?bucket=hour&since=${since}`);
      expect(hour.status, hour.text).to.equal(200);
      expect(hour.body.buckets.length).to.be.within(4, 5);
      expect(hour.body.totals).to.deep.equal(expected);
      const sum = (k: string) => hour.body.buckets.reduce((n: number, b: Record<string, number>) => n + b[k]!, 0);
      expect(sum('sent') + sum('failed') + sum('bounced') + sum('complained')).to.equal(8);
      const none = await get(`/stats?since=2020-01-01&until=2020-01-03`);
      expect(none.body.totals.sent, 'a range before anything was sent').to.equal(0);
      expect(none.body.buckets.map((b: { start: string }) => b.start)).to.deep.equal(['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z']);
    });

    it('refuses a range too long for its bucket, a bad bucket and a bad date, with a hint', async () => {
      const long = await get('/stats?bucket=hour&since=2026-01-01&until=2026-03-01');
      expect(long.status).to.equal(400);
      expect(long.body.error).to.deep.include({ code: 'VALIDATION_FAILED' });
      expect(long.body.error.hint).to.match(/bucket=day/);
      expect((await get('/stats?since=2024-01-01&until=2026-01-01')).status, '2 years by day').to.equal(400);
      expect((await get('/stats?bucket=week')).body.error.details[0].path).to.equal('/bucket');
      expect((await get('/stats?since=yesterday')).body.error.details[0].path).to.equal('/since');
      expect((await get('/stats?since=2026-02-01&until=2026-01-01')).status).to.equal(400);
    });

    it('searches by recipient (any case, part of an address; % and _ literal) and subject', async () => {
      expect(await ids('?recipient=lovelace@EXAMPLE')).to.deep.equal([sent[0]]);
      expect(await ids('?recipient=carol')).to.deep.equal([sent[1]]);
      expect(await ids('?recipient=_x@'), '_ is a literal underscore').to.deep.equal([sent[2]]);
      expect(await ids('?recipient=e_e')).to.deep.equal([]);
      expect(await ids('?subject=invoice')).to.deep.equal([sent[0], sent[2], failed].sort());
      expect(await ids('?subject=100%25')).to.deep.equal([sent[0]]);
      expect(await ids('?subject=1%25%25')).to.deep.equal([], '% is a literal percent sign');
    });

    it('combines filters with status, event, a date range and paging', async () => {
      expect(await ids('?subject=invoice&status=failed')).to.deep.equal([failed]);
      expect(await ids('?subject=invoice&event=bounced')).to.deep.equal([sent[0]]);
      expect(await ids('?recipient=example.com&event=bounced')).to.deep.equal([sent[0], sent[1]].sort());
      expect(await ids('?recipient=example.com&event=complained&status=sent')).to.deep.equal([sent[1]]);
      expect(await ids(`?until=2020-01-01`)).to.deep.equal([]);
      expect(await ids(`?since=${new Date(Date.now() - 3_600_000).toISOString()}&subject=invoice`)).to.have.length(3);
      const first = await get('?subject=invoice&limit=2');
      expect(first.body.items).to.have.length(2);
      const second = await get(`?subject=invoice&limit=2&cursor=${first.body.nextCursor}`);
      expect([...first.body.items, ...second.body.items].map((d: { id: string }) => d.id).sort()).to.deep.equal([sent[0], sent[2], failed].sort());
      expect(second.body.nextCursor).to.equal(null);
      expect((await get('?since=soon')).status).to.equal(400);
    });
  });
}
