import { expect } from 'chai';
import type { SMTPServerSession } from 'smtp-server';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink, type SinkOptions } from '../support/smtp-sink.js';
import { pollFor, sleep } from '../support/wait.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

for (const backend of BACKENDS) {
  describe(`delivery: outbox, worker, retries, idempotency (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let runtime: string;
    const sinks: SmtpSink[] = [];

    const sink = async (o: SinkOptions = {}) => {
      const s = await new SmtpSink({ tls: 'none', ...o }).start();
      sinks.push(s);
      return s;
    };
    /** A connection in `scope` to a sink; returns its id. */
    const connect = async (scope: string, s: SmtpSink, extra: Record<string, unknown> = {}) => {
      const r = await envoi.api('POST', `/api/v1/scopes/${scope}/connections`, smtpConnection(s, { authMethod: 'NONE', ...extra }));
      if (r.status !== 201) throw new Error(r.text);
      return r.body.id as string;
    };
    const execute = (scope: string, input: Record<string, unknown>, opts: { wait?: number; idempotencyKey?: string; key?: string } = {}) =>
      envoi.api('POST', `/api/v1/scopes/${scope}/actions/send-email/execute${opts.wait ? `?wait=${opts.wait}` : ''}`, { input, ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}) }, { key: opts.key ?? runtime });
    const delivery = async (scope: string, id: string) => (await envoi.api('GET', `/api/v1/scopes/${scope}/deliveries/${id}`, undefined, { key: runtime })).body;
    /** Polls a delivery until it reaches one of `statuses`. */
    const until = (scope: string, id: string, statuses: string[], ms = 15_000) =>
      pollFor(() => delivery(scope, id), (d) => statuses.includes(d.status), (d) => `delivery ${id} is still ${d.status}: ${JSON.stringify(d)}`, ms);
    const mail = (to: string | string[], subject = 'Hello') => ({ to, subject, text: `Body of ${subject}` });

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { retryBaseMs: 100, pollMs: 50, maxAttempts: 5, leaseMs: 5000 } }).start();
      runtime = await envoi.key('runtime', 'platform');
    });
    after(async () => {
      await envoi?.stop();
      await Promise.all(sinks.map((s) => s.close()));
      await drop?.();
    });

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

    describe('transient failures end sent, with exactly one complete copy and every attempt recorded', () => {
      // `earlier`: what the attempts before the last may record; a drop that the client only sees
      // after it wrote the whole message and its final dot is an unknown outcome (it cannot tell).
      const transientCase = (title: string, build: (self: { sink?: SmtpSink }) => SinkOptions, check?: (attempts: any[]) => void, earlier = ['retry']) =>
        it(title, async () => {
          const self: { sink?: SmtpSink } = {};
          const s = (self.sink = await sink(build(self)));
          const id = await connect('platform', s, { name: title.slice(0, 60) });
          const r = await execute('platform', { ...mail('someone@customer.test', title), connection: id });
          expect(r.status).to.equal(202);
          expect(r.body.status).to.equal('queued');
          const d = await until('platform', r.body.deliveryId, ['sent', 'failed']);
          expect(d.status, JSON.stringify(d)).to.equal('sent');
          await sleep(200);
          expect(s.received, 'copies received').to.have.length(1);
          expect(s.received[0]!.parsed.messageId).to.equal(d.messageId);
          expect(s.received[0]!.parsed.text!.trim()).to.equal(`Body of ${title}`);
          expect(d.attemptLog.length).to.be.at.least(2);
          expect(d.attemptLog.at(-1)).to.include({ outcome: 'sent' });
          expect(d.attemptLog.slice(0, -1).every((a: { outcome: string }) => earlier.includes(a.outcome)), JSON.stringify(d.attemptLog)).to.equal(true);
          expect(d.attempts).to.equal(d.attemptLog.length);
          check?.(d.attemptLog);
        });

      let greeted = 0;
      transientCase('421 on greeting', () => ({
        server: {
          onConnect(_s, cb) {
            greeted++;
            if (greeted <= 2) return cb(smtpError('4.3.2 Service busy, closing channel', 421));
            cb();
          },
        },
      }), (attempts) => {
        // The server sends 421 and hangs up; the client reads either the reply or, when the close
        // wins the race, a dropped connection. Both are transient and retried; a 421 is THROTTLED.
        expect(['THROTTLED', 'SERVER_ERROR']).to.include(attempts[0].code);
        if (attempts[0].code === 'THROTTLED') {
          expect(attempts[0].responseCode).to.equal(421);
          expect(attempts[0].reply).to.match(/Service busy/);
        }
      });

      let rcpts = 0;
      transientCase('451 at RCPT ("try again in 2 seconds") waits as asked', () => ({
        server: {
          onRcptTo(_a, _s, cb) {
            rcpts++;
            if (rcpts === 1) return cb(smtpError('4.7.1 Greylisted, try again in 2 seconds', 451));
            cb();
          },
        },
      }), (attempts) => {
        expect(attempts).to.have.length(2);
        expect(attempts[0]).to.include({ code: 'RECIPIENT_DEFERRED', responseCode: 451 });
        const gap = Date.parse(attempts[1].startedAt) - Date.parse(attempts[0].startedAt) - attempts[0].durationMs;
        expect(gap, 'honours "try again in 2 seconds"').to.be.at.least(2000);
      });

      let mails = 0;
      transientCase('a connection reset after MAIL FROM', (self) => ({
        server: {
          onMailFrom(_a, session: SMTPServerSession, cb) {
            mails++;
            if (mails === 1) return self.sink!.dropConnection(session);
            cb();
          },
        },
      }));

      let datas = 0;
      transientCase('a socket destroyed in the middle of DATA', (self) => ({
        server: {
          onData(stream, session, cb) {
            datas++;
            if (datas === 1) {
              stream.once('data', () => self.sink!.dropConnection(session));
              stream.resume();
              return;
            }
            // Later attempts: deliver as usual through the sink's own parser.
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              void self.sink!.record(Buffer.concat(chunks), session).then(() => cb(), cb);
            });
          },
        },
      }), undefined, ['retry', 'unknown']);
    });

    describe('permanent failures fail at once and keep the server\'s words', () => {
      it('550 for every recipient: failed after one attempt', async () => {
        const s = await sink({ server: { onRcptTo: (a, _s, cb) => cb(smtpError(`5.1.1 <${a.address}>: Recipient address rejected: User unknown`, 550)) } });
        const id = await connect('platform', s, { name: 'rejects all' });
        const r = await execute('platform', { ...mail(['a@customer.test', 'b@customer.test']), connection: id }, { wait: 10 });
        expect(r.status).to.equal(200);
        expect(r.body.status).to.equal('failed');
        expect(r.body.error.responseCode).to.equal(550);
        expect(r.body.error.reply).to.match(/User unknown/);
        const d = await delivery('platform', r.body.deliveryId);
        expect(d.attempts).to.equal(1);
        expect(d.attemptLog).to.have.length(1);
        expect(d.attemptLog[0]).to.include({ outcome: 'failed', responseCode: 550 });
        expect(s.received).to.have.length(0);
      });

      it('554 after DATA: failed after one attempt, reply kept', async () => {
        const s = await sink({
          server: {
            onData(stream, _s, cb) {
              stream.resume();
              stream.on('end', () => cb(smtpError('5.7.1 Message rejected as spam', 554)));
            },
          },
        });
        const id = await connect('platform', s, { name: 'spam filter' });
        const r = await execute('platform', { ...mail('a@customer.test'), connection: id }, { wait: 10 });
        expect(r.body.status).to.equal('failed');
        expect(r.body.error).to.include({ code: 'MESSAGE_REJECTED', responseCode: 554 });
        expect(r.body.error.reply).to.match(/rejected as spam/);
        const d = await delivery('platform', r.body.deliveryId);
        expect(d.attempts).to.equal(1);
        expect(d.lastError.reply).to.match(/rejected as spam/);
      });

      it('550 for one of three recipients: sent, the rejected one listed, the other two receive it', async () => {
        const s = await sink({ server: { onRcptTo: (a, _s, cb) => (a.address === 'gone@customer.test' ? cb(smtpError('5.1.1 User unknown', 550)) : cb()) } });
        const id = await connect('platform', s, { name: 'partial' });
        const r = await execute('platform', { ...mail(['a@customer.test', 'gone@customer.test', 'b@customer.test']), connection: id }, { wait: 10 });
        expect(r.body.status).to.equal('sent');
        expect(r.body.accepted).to.deep.equal(['a@customer.test', 'b@customer.test']);
        expect(r.body.rejected).to.deep.equal(['gone@customer.test']);
        await sleep(100);
        expect(s.received).to.have.length(1);
        expect(s.received[0]!.envelope.to).to.deep.equal(['a@customer.test', 'b@customer.test']);
        const d = await delivery('platform', r.body.deliveryId);
        expect(d.attempts).to.equal(1);
      });

      it('451 for one of three recipients: the other two get it at once, the deferred one alone on a later attempt', async () => {
        let deferrals = 0;
        const s = await sink({
          server: {
            onRcptTo: (a, _s, cb) => (a.address === 'grey@customer.test' && deferrals++ === 0 ? cb(smtpError('4.7.1 Greylisted, try again in 1 seconds', 451)) : cb()),
          },
        });
        const id = await connect('platform', s, { name: 'greylisting' });
        const r = await execute('platform', { ...mail(['a@customer.test', 'grey@customer.test', 'b@customer.test']), connection: id }, { wait: 10 });
        expect(r.body.status, 'first attempt: some deferred').to.equal('retrying');
        expect(r.body.accepted).to.deep.equal(['a@customer.test', 'b@customer.test']);
        const d = await until('platform', r.body.deliveryId, ['sent', 'failed']);
        expect(d.status).to.equal('sent');
        expect(d.accepted).to.have.members(['a@customer.test', 'b@customer.test', 'grey@customer.test']);
        expect(d.rejected).to.deep.equal([]);
        expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['retry', 'sent']);
        expect(d.attemptLog[0].responseCode).to.equal(451);
        expect(d.attemptLog[0].message).to.match(/deferred for 1/);
        // Each recipient exactly once: two in the first envelope, the deferred one alone after, same message.
        expect(s.received.map((m) => m.envelope.to)).to.deep.equal([['a@customer.test', 'b@customer.test'], ['grey@customer.test']]);
        expect(s.received[1]!.parsed.messageId).to.equal(s.received[0]!.parsed.messageId);
        expect(s.received[1]!.parsed.to).to.deep.equal(s.received[0]!.parsed.to);
      });

      it('a recipient deferred, then refused for good: sent to the others, the refused one listed', async () => {
        let seen = 0;
        const s = await sink({
          server: {
            onRcptTo: (a, _s, cb) => (a.address !== 'late@customer.test' ? cb() : seen++ === 0 ? cb(smtpError('4.2.2 Mailbox full, try again in 1 seconds', 452)) : cb(smtpError('5.1.1 User unknown', 550))),
          },
        });
        const id = await connect('platform', s, { name: 'deferred then gone' });
        const r = await execute('platform', { ...mail(['ok@customer.test', 'late@customer.test']), connection: id });
        const d = await until('platform', r.body.deliveryId, ['sent', 'failed']);
        expect(d.status).to.equal('sent');
        expect(d.accepted).to.deep.equal(['ok@customer.test']);
        expect(d.rejected).to.deep.equal(['late@customer.test']);
        expect(d.attemptLog.map((a: { outcome: string; responseCode: number }) => [a.outcome, a.responseCode])).to.deep.equal([['retry', 452], ['failed', 550]]);
        expect(s.received.map((m) => m.envelope.to)).to.deep.equal([['ok@customer.test']]);
      });

      it('a failed delivery is re-queued by an admin and then delivered', async () => {
        let reject = true;
        const s = await sink({ server: { onRcptTo: (_a, _s, cb) => (reject ? cb(smtpError('5.2.2 Mailbox full', 552)) : cb()) } });
        const id = await connect('platform', s, { name: 'mailbox full' });
        const r = await execute('platform', { ...mail('full@customer.test'), connection: id }, { wait: 10 });
        expect(r.body.status).to.equal('failed');
        const byRuntime = await envoi.api('POST', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}/retry`, undefined, { key: runtime });
        expect(byRuntime.status).to.equal(403);
        reject = false;
        const retried = await envoi.api('POST', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}/retry`);
        expect(retried.status, retried.text).to.equal(200);
        const d = await until('platform', r.body.deliveryId, ['sent']);
        expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).to.deep.equal(['failed', 'sent']);
        const again = await envoi.api('POST', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}/retry`);
        expect(again.status).to.equal(409);
        expect(s.received).to.have.length(1);
      });
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
