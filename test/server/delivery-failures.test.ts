import { expect } from 'chai';
import type { SMTPServerSession } from 'smtp-server';
import { BACKENDS, TestEnvoi } from '../support/harness.js';
import type { SinkOptions, SmtpSink } from '../support/smtp-sink.js';
import { sleep } from '../support/wait.js';
import { deliverySuite } from './delivery-suite.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

for (const backend of BACKENDS) {
  describe(`delivery: outbox, worker, retries, idempotency (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let runtime: string;
    const { sink, connect, execute, delivery, until, mail } = deliverySuite(backend, (s) => ({ envoi, runtime } = s));

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
  });
}
