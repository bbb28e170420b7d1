import { expect } from 'chai';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';

for (const backend of BACKENDS) {
  describe(`test mails: 10 a minute per scope, counted in the database (${backend.name})`, function () {
    let first: TestEnvoi;
    let second: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let sink: SmtpSink;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      sink = await new SmtpSink({ tls: 'none' }).start();
      first = await new TestEnvoi({ databaseUrl: db.databaseUrl }).start();
      // A second process on the same database (and, for SQLite, the same data directory).
      second = await new TestEnvoi({ databaseUrl: db.databaseUrl, dataDir: first.dataDir }).start();
    });

    after(async () => {
      await second?.stop();
      await first?.stop();
      await sink?.close();
      await drop?.();
    });

    const connect = async (scope: string) => {
      const r = await first.api('POST', `/api/v1/scopes/${scope}/connections`, smtpConnection(sink, { authMethod: 'NONE' }));
      expect(r.status, r.text).to.equal(201);
      return r.body.id as string;
    };

    it('the 11th test mail of a minute is 429 RATE_LIMITED with Retry-After and a hint, from either of two servers on one database; another scope is not affected', async () => {
      const acme = await connect('acme');
      const globex = await connect('globex');
      const testMail = (envoi: TestEnvoi, scope: string, id: string, to: string) => envoi.api('POST', `/api/v1/scopes/${scope}/connections/${id}/test-email`, { to });
      for (let i = 0; i < 10; i++) {
        const r = await testMail(i % 2 ? second : first, 'acme', acme, `t${i}@customer.test`);
        expect(r.status, r.text).to.equal(200);
        expect(r.body.ok).to.equal(true);
      }
      const before = sink.received.length;
      for (const envoi of [first, second]) {
        const r = await testMail(envoi, 'acme', acme, 'eleventh@customer.test');
        expect(r.status, r.text).to.equal(429);
        expect(r.body.error.code).to.equal('RATE_LIMITED');
        expect(r.body.error.hint).to.match(/Try again in \d+ seconds/);
        const retryAfter = Number(r.headers.get('retry-after'));
        expect(retryAfter).to.be.within(1, 61);
        expect(r.body.error.retryAfterSeconds).to.equal(retryAfter);
      }
      expect(sink.received.length).to.equal(before);
      expect(sink.received.some((m) => m.envelope.to.includes('eleventh@customer.test'))).to.equal(false);

      const other = await testMail(second, 'globex', globex, 'globex@customer.test');
      expect(other.status, other.text).to.equal(200);
      // Ordinary mail of the limited scope still goes.
      const mail = await first.api('POST', '/api/v1/scopes/acme/actions/send-email/execute?wait=10', { input: { connection: acme, to: 'real@customer.test', subject: 'Real', text: 'x' } });
      expect(mail.body.status, mail.text).to.equal('sent');
    });
  });
}
