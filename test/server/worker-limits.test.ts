import { expect } from 'chai';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { busiestWindow, timedSink } from '../support/timed-sink.js';
import { sleep } from '../support/wait.js';

describe('per-connection limits inside one worker (SQLite)', () => {
  let envoi: TestEnvoi;
  before(async () => {
    envoi = await new TestEnvoi({ overrides: { pollMs: 50, workerConcurrency: 16 } }).start();
  });
  after(() => envoi.stop());

  it('pool.maxConnections caps the SMTP connections a worker opens to one server', async () => {
    let open = 0;
    let most = 0;
    const sink = new SmtpSink({
      tls: 'none',
      server: {
        onConnect(_s, cb) {
          open++;
          most = Math.max(most, open);
          cb();
        },
        onClose() {
          open--;
        },
      },
    });
    await sink.start();
    try {
      const c = await envoi.api('POST', '/api/v1/scopes/pool/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true, pool: { maxConnections: 2 } }));
      expect(c.status).to.equal(201);
      await Promise.all(Array.from({ length: 40 }, (_, i) => envoi.api('POST', '/api/v1/scopes/pool/actions/send-email/execute', { input: { to: `p${i}@customer.test`, subject: 'p', text: 'x' } })));
      await sink.waitFor(40, 30_000);
      expect(most).to.be.at.most(2);
      expect(most).to.be.at.least(1);
    } finally {
      await sink.close();
    }
  });

  it('a rate limit paces one worker too, and waiting mail says why', async () => {
    const sink = timedSink(0);
    await sink.start();
    try {
      await envoi.api('POST', '/api/v1/scopes/paced/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true, rateLimit: { messages: 3, perSeconds: 1 } }));
      const ids: string[] = [];
      for (let i = 0; i < 9; i++) ids.push((await envoi.api('POST', '/api/v1/scopes/paced/actions/send-email/execute', { input: { to: `q${i}@customer.test`, subject: 'q', text: 'x' } })).body.deliveryId);
      await sleep(300);
      const waiting = (await envoi.api('GET', '/api/v1/scopes/paced/deliveries?status=queued')).body.items;
      expect(waiting.length).to.be.at.least(1);
      expect(waiting.some((d: { waitingFor: { code: string } | null }) => d.waitingFor?.code === 'RATE_LIMITED')).to.equal(true);
      await sink.waitFor(9, 20_000);
      expect(busiestWindow(sink.arrivals, 1000)).to.be.at.most(3);
      const one = (await envoi.api('GET', `/api/v1/scopes/paced/deliveries/${ids[8]}`)).body;
      expect(one.attempts, 'waiting for the limit costs no attempt').to.equal(1);
    } finally {
      await sink.close();
    }
  });
});

describe('a worker holds a bounded amount of mail (SQLite)', () => {
  let envoi: TestEnvoi;
  before(async () => {
    // Room for two 10 KB messages; a third is taken only while the ones before it total less.
    envoi = await new TestEnvoi({ overrides: { pollMs: 50, workerConcurrency: 64, workerMaxBytes: 25_000 } }).start();
  });
  after(() => envoi.stop());

  it('claims stop at ENVOI_WORKER_MAX_BYTES of messages, and everything still arrives', async () => {
    const sink = timedSink(300);
    await sink.start();
    try {
      await envoi.api('POST', '/api/v1/scopes/bytes/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true }));
      const body = 'x'.repeat(10_000);
      for (let i = 0; i < 10; i++) {
        const r = await envoi.api('POST', '/api/v1/scopes/bytes/actions/send-email/execute', { input: { to: `b${i}@customer.test`, subject: `b${i}`, text: body } });
        expect(r.status, r.text).to.equal(202);
      }
      let most = 0;
      while (sink.received.length < 10) {
        const sending = (await envoi.api('GET', '/api/v1/scopes/bytes/deliveries?status=sending&limit=100')).body.items.length;
        most = Math.max(most, sending);
        await sleep(20);
      }
      expect(most, 'deliveries held by the worker at once').to.be.within(1, 3);
      expect(new Set(sink.received.map((m) => m.parsed.subject)).size).to.equal(10);
    } finally {
      await sink.close();
    }
  });
});
