import net, { type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { pollFor, sleep } from '../support/wait.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

/**
 * A front door to a sink that answers the first `busy` connections with a 421 greeting and hangs
 * up (a server at its connection limit), then passes every later connection through to the sink.
 */
async function busyFront(sink: SmtpSink, busy: number): Promise<{ host: string; port: number; close(): Promise<void> }> {
  let seen = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    if (seen++ < busy) {
      s.end('421 4.7.0 Too many connections, try again in 1 seconds\r\n');
      return;
    }
    const back = net.connect(sink.port, sink.host);
    sockets.add(back);
    back.on('error', () => s.destroy());
    back.on('close', () => sockets.delete(back));
    s.pipe(back).pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

for (const backend of BACKENDS) {
  describe(`failure catalogue against a real SMTP server: what each attempt records (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let sink: SmtpSink;
    let connectionId: string;
    const greylisted = new Set<string>();

    const execute = (input: Record<string, unknown>, wait = 10) => envoi.api('POST', `/api/v1/scopes/catalogue/actions/send-email/execute?wait=${wait}`, { input });
    const delivery = async (id: string) => (await envoi.api('GET', `/api/v1/scopes/catalogue/deliveries/${id}`)).body;
    const until = (id: string, statuses: string[]) => pollFor(() => delivery(id), (d) => statuses.includes(d.status), (d) => `delivery ${id} is still ${d.status}: ${JSON.stringify(d)}`, 15_000);

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { retryBaseMs: 100, pollMs: 50, maxAttempts: 5, leaseMs: 5000 } }).start();
      // One server for the suite: grey… recipients are deferred once (greylisting), gone… refused for good.
      sink = await new SmtpSink({
        tls: 'none',
        server: {
          onRcptTo(a, _s, cb) {
            if (a.address.startsWith('gone')) return cb(smtpError('5.1.1 <' + a.address + '>: Recipient address rejected: User unknown', 550));
            if (a.address.startsWith('grey') && !greylisted.has(a.address)) {
              greylisted.add(a.address);
              return cb(smtpError('4.7.1 Greylisted, try again in 1 seconds', 451));
            }
            cb();
          },
        },
      }).start();
      const c = await envoi.api('POST', '/api/v1/scopes/catalogue/connections', smtpConnection(sink, { authMethod: 'NONE', name: 'catalogue sink' }));
      expect(c.status, c.text).to.equal(201);
      connectionId = c.body.id;
    });
    after(async () => {
      await envoi?.stop();
      await sink?.close();
      await drop?.();
    });

    it('451 at RCPT is RECIPIENT_DEFERRED with the greylisting hint, on the attempt and in ?wait; retried, then sent once', async () => {
      const r = await execute({ to: 'grey-1@customer.test', subject: 'greylisted', text: 'x', connection: connectionId });
      expect(r.status, r.text).to.equal(200);
      expect(r.body.status).to.equal('retrying');
      expect(r.body.error).to.include({ code: 'RECIPIENT_DEFERRED', responseCode: 451 });
      expect(r.body.error.hint).to.match(/greylisting/).and.match(/retried alone/);
      const d = await until(r.body.deliveryId, ['sent', 'failed']);
      expect(d.status).to.equal('sent');
      expect(d.attemptLog).to.have.length(2);
      expect(d.attemptLog[0]).to.include({ outcome: 'retry', code: 'RECIPIENT_DEFERRED', stage: 'send', responseCode: 451 });
      expect(d.attemptLog[0].reply).to.match(/Greylisted/);
      expect(d.attemptLog[0].hint).to.match(/greylisting/);
      expect(d.attemptLog[1]).to.include({ outcome: 'sent', stage: 'done', code: null, responseCode: 250 });
      expect(sink.received.filter((m) => m.envelope.to.includes('grey-1@customer.test'))).to.have.length(1);
    });

    it('451 for one of two recipients: the other gets it at once; the attempt says RECIPIENT_DEFERRED, not a refusal', async () => {
      const r = await execute({ to: ['ok-2@customer.test', 'grey-2@customer.test'], subject: 'half greylisted', text: 'x', connection: connectionId });
      expect(r.body.status, r.text).to.equal('retrying');
      const d = await until(r.body.deliveryId, ['sent', 'failed']);
      expect(d.status).to.equal('sent');
      expect(d.rejected).to.deep.equal([]);
      expect(d.attemptLog[0]).to.include({ outcome: 'retry', code: 'RECIPIENT_DEFERRED', stage: 'send', responseCode: 451 });
      expect(d.attemptLog[0].hint).to.match(/greylisting/);
    });

    it('550 at RCPT is RECIPIENT_REJECTED: failed at once, the server\'s words and the stage kept', async () => {
      const r = await execute({ to: 'gone-3@customer.test', subject: 'refused', text: 'x', connection: connectionId });
      expect(r.body.status, r.text).to.equal('failed');
      expect(r.body.error).to.include({ code: 'RECIPIENT_REJECTED', responseCode: 550 });
      expect(r.body.error.hint).to.match(/recipient addresses/);
      const d = await delivery(r.body.deliveryId);
      expect(d.attemptLog).to.have.length(1);
      expect(d.attemptLog[0]).to.include({ outcome: 'failed', code: 'RECIPIENT_REJECTED', stage: 'send', responseCode: 550 });
      expect(d.lastError).to.include({ code: 'RECIPIENT_REJECTED', stage: 'send' });
      expect(d.lastError.reply).to.match(/User unknown/);
    });

    it('421 at the greeting is THROTTLED at stage connect: retried as asked, then sent; the connection stays healthy', async () => {
      const front = await busyFront(sink, 1);
      try {
        const c = await envoi.api('POST', '/api/v1/scopes/catalogue/connections', smtpConnection(front, { authMethod: 'NONE', name: 'busy front' }));
        expect(c.status, c.text).to.equal(201);
        const r = await execute({ to: 'busy-4@customer.test', subject: 'busy server', text: 'x', connection: c.body.id });
        expect(r.body.status, r.text).to.equal('retrying');
        expect(r.body.error).to.include({ code: 'THROTTLED', responseCode: 421 });
        const d = await until(r.body.deliveryId, ['sent', 'failed']);
        expect(d.status).to.equal('sent');
        expect(d.attemptLog).to.have.length(2);
        expect(d.attemptLog[0]).to.include({ outcome: 'retry', code: 'THROTTLED', stage: 'connect', responseCode: 421 });
        expect(d.attemptLog[0].reply).to.match(/Too many connections/);
        const gap = Date.parse(d.attemptLog[1].startedAt) - Date.parse(d.attemptLog[0].startedAt) - d.attemptLog[0].durationMs;
        expect(gap, 'honours "try again in 1 seconds"').to.be.at.least(1000);
        await sleep(50);
        const after = await envoi.api('GET', `/api/v1/scopes/catalogue/connections/${c.body.id}`);
        expect(after.body.health.status).to.not.equal('unhealthy');
      } finally {
        await front.close();
      }
    });
  });
}
