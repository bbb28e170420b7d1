import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { pollFor, sleep } from '../support/wait.js';

/** A relay that accepts TCP connections and never says a word: every send to it hangs until a timeout. */
async function deadRelay(): Promise<{ host: string; port: number; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// The relay's silence outlasts every watchdog below by far: a calm tenant's mail that had to wait
// for the flooding tenant's timeouts would fail the test instead of arriving late.
const HANG_MS = 120_000;

for (const backend of BACKENDS) {
  describe(`fair delivery: one tenant's dead relay does not hold up another's mail (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let relay: Awaited<ReturnType<typeof deadRelay>>;
    let sink: SmtpSink;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      relay = await deadRelay();
      sink = await new SmtpSink({ tls: 'none' }).start();
      envoi = await new TestEnvoi({
        databaseUrl: db.databaseUrl,
        overrides: {
          pollMs: 50,
          shutdownGraceMs: 200,
          smtpTimeouts: Object.freeze({ connection: HANG_MS, greeting: HANG_MS, socket: HANG_MS, dns: 3000 }),
        },
      }).start();
    });
    after(async () => {
      await envoi?.stop();
      await relay?.close();
      await sink?.close();
      await drop?.();
    });

    it('a tenant flooding a relay that hangs holds only its share of the worker; another tenant is delivered at once', async () => {
      const connect = async (scope: string, to: { host: string; port: number }) => {
        const r = await envoi.api('POST', `/api/v1/scopes/${scope}/connections`, smtpConnection(to, { authMethod: 'NONE', isDefault: true }));
        expect(r.status, r.text).to.equal(201);
      };
      await connect('flood', relay);
      await connect('calm', sink);
      const execute = (scope: string, subject: string) =>
        envoi.api('POST', `/api/v1/scopes/${scope}/actions/send-email/execute`, { input: { to: 'someone@customer.test', subject, text: subject } });

      // 150 mails queued ahead of the calm tenant's: with one global queue they would take every
      // one of the worker's 64 slots and hang there until the relay's timeout.
      for (let i = 0; i < 150; i++) expect((await execute('flood', `flood ${i}`)).status).to.equal(202);
      await pollFor(async () => relay.accepted(), (n) => n > 0, () => 'the worker never reached the dead relay', 10_000);

      const calm = await execute('calm', 'calm tenant');
      expect(calm.status, calm.text).to.equal(202);
      const sent = await pollFor(
        async () => (await envoi.api('GET', `/api/v1/scopes/calm/deliveries/${calm.body.deliveryId}`)).body,
        (d) => d.status === 'sent',
        (d) => `the calm tenant's mail is still ${d.status} behind the flooding tenant's dead relay`,
        20_000,
      );
      expect(sent.status).to.equal('sent');
      expect(sink.received.map((m) => m.parsed.subject)).to.deep.equal(['calm tenant']);

      // The flooding tenant's mail is still there, waiting its turn: none of it failed or was lost.
      const flood = await envoi.api('GET', '/api/v1/scopes/flood/deliveries?limit=200');
      const byStatus = flood.body.items.reduce((acc: Record<string, number>, d: { status: string }) => ({ ...acc, [d.status]: (acc[d.status] ?? 0) + 1 }), {});
      expect(flood.body.items).to.have.length(150);
      expect(byStatus.sending ?? 0).to.be.at.most(envoi.config.connectionMaxInFlight);
      expect((byStatus.queued ?? 0) + (byStatus.sending ?? 0)).to.equal(150);
    });

    it('a connection with a larger pool gets a share of twice its pool, and no more', async () => {
      const r = await envoi.api('POST', '/api/v1/scopes/bigpool/connections', smtpConnection(relay, { authMethod: 'NONE', isDefault: true, pool: { maxConnections: 12 } }));
      expect(r.status, r.text).to.equal(201);
      for (let i = 0; i < 60; i++) {
        const e = await envoi.api('POST', '/api/v1/scopes/bigpool/actions/send-email/execute', { input: { to: 'someone@customer.test', subject: `big ${i}`, text: 'x' } });
        expect(e.status).to.equal(202);
      }
      const sending = async () => (await envoi.api('GET', '/api/v1/scopes/bigpool/deliveries?status=sending&limit=100')).body.items.length as number;
      // 2 × 12 = 24, above the default share of 16 that a pool of 5 gets.
      await pollFor(sending, (n) => n === 24, (n) => `${n} of the big pool's mails are sending, not 24`, 10_000);
      await sleep(500);
      expect(await sending()).to.equal(24);
    });
  });
}
