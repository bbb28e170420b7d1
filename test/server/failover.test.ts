import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { closedPort, SmtpSink } from '../support/smtp-sink.js';
import { pollFor } from '../support/wait.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });
const PASSWORD = 'the-right-password';

for (const backend of BACKENDS) {
  describe(`failover: a connection's fallback carries its mail when it fails (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    /** The fallback's server, and a plain primary that refuses gone… recipients with a 550. */
    let fallbackSink: SmtpSink;
    let plainSink: SmtpSink;
    let authSink: SmtpSink;
    let fallback: { id: string; name: string };
    let n = 0;

    const base = '/api/v1/scopes/failover';
    const create = (body: Record<string, unknown>) => envoi.api('POST', `${base}/connections`, body);
    const delivery = async (id: string) => (await envoi.api('GET', `${base}/deliveries/${id}`)).body;
    const until = (id: string, statuses: string[]) => pollFor(() => delivery(id), (d) => statuses.includes(d.status), (d) => `delivery ${id} is still ${d.status}: ${JSON.stringify(d)}`, 20_000);
    const carried = (sink: SmtpSink, to: string) => sink.received.filter((m) => m.envelope.to.includes(to));
    /** A primary connection falling back to the suite's fallback connection. */
    const primary = async (extra: Record<string, unknown>, sink: { host: string; port: number } = plainSink) => {
      const r = await create(smtpConnection(sink, { name: `primary ${++n}`, authMethod: 'NONE', fallback: fallback.name, ...extra }));
      expect(r.status, r.text).to.equal(201);
      expect(r.body.fallback).to.deep.equal(fallback);
      return r.body as { id: string; name: string };
    };
    const execute = async (connection: string, to: string, action = 'send-email') => {
      const input = action === 'send-email' ? { to, subject: `failover ${to}`, text: 'x', connection } : { to, appName: 'Acme CRM', link: 'https://app.acme.test/invite', locale: 'en', connection };
      const r = await envoi.api('POST', `${base}/actions/${action}/execute`, { input });
      expect(r.status, r.text).to.equal(202);
      return r.body.deliveryId as string;
    };
    /** Sends through `p`, expects the fallback to carry it after one failed attempt with `code`. */
    const failsOver = async (p: { id: string; name: string }, code: string, to: string, action?: string) => {
      const id = await execute(p.id, to, action);
      const d = await until(id, ['sent', 'failed']);
      expect(d.status, JSON.stringify(d)).to.equal('sent');
      expect(d.attemptLog).to.have.length(2);
      expect(d.attemptLog[0]).to.deep.include({ outcome: 'retry', code, connection: { id: p.id, name: p.name } });
      expect(d.attemptLog[1]).to.deep.include({ outcome: 'sent', connection: fallback });
      expect(carried(fallbackSink, to)).to.have.length(1);
      expect(envoi.logs.some((l) => l.includes('connection failover') && l.includes(id) && l.includes(p.id) && l.includes(fallback.id)), 'a failover log line names the delivery and both connections').to.equal(true);
      return d;
    };

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { retryBaseMs: 100, pollMs: 50, maxAttempts: 5, leaseMs: 5000 } }).start();
      fallbackSink = await new SmtpSink({ tls: 'none' }).start();
      plainSink = await new SmtpSink({
        tls: 'none',
        server: { onRcptTo: (a, _s, cb) => (a.address.startsWith('gone') ? cb(smtpError('5.1.1 User unknown', 550)) : cb()) },
      }).start();
      authSink = await new SmtpSink({ tls: 'starttls', users: { 'mailer@envoi.test': PASSWORD } }).start();
      const f = await create(smtpConnection(fallbackSink, { name: 'the fallback', authMethod: 'NONE' }));
      expect(f.status, f.text).to.equal(201);
      expect(f.body.fallback).to.equal(null);
      fallback = { id: f.body.id, name: f.body.name };
    });
    after(async () => {
      await envoi?.stop();
      await Promise.all([fallbackSink?.close(), plainSink?.close(), authSink?.close()]);
      await drop?.();
    });

    it('the primary refuses the connection (a closed port): the fallback carries the mail at once', async () => {
      const p = await primary({}, { host: '127.0.0.1', port: await closedPort() });
      await failsOver(p, 'CONNECTION_REFUSED', 'refused@customer.test');
    });

    it('the primary fails TLS (Secure on against a plain server): the fallback carries it; the unhealthy primary is then skipped', async () => {
      const p = await primary({ secure: true });
      await failsOver(p, 'TLS_FAILED', 'tls@customer.test');
      expect((await envoi.api('GET', `${base}/connections/${p.id}`)).body.health.status).to.equal('unhealthy');
      const id = await execute(p.id, 'tls-again@customer.test');
      const d = await until(id, ['sent', 'failed']);
      expect(d.status).to.equal('sent');
      expect(d.attemptLog, 'one attempt, straight through the fallback').to.have.length(1);
      expect(d.attemptLog[0]).to.deep.include({ outcome: 'sent', connection: fallback });
    });

    it('the primary rejects the password: the fallback carries it, the primary sink received nothing', async () => {
      const p = await primary({ authMethod: 'PLAIN', user: 'mailer@envoi.test', password: 'a-wrong-password', caCertificate: testPki().caCert }, authSink);
      await failsOver(p, 'AUTH_FAILED', 'auth@customer.test');
      expect(carried(authSink, 'auth@customer.test')).to.have.length(0);
    });

    it('when every connection of the chain fails, the schedule goes on from the primary: A, B, A, B, A, then failed', async () => {
      const dead = await create(smtpConnection({ host: '127.0.0.1', port: await closedPort() }, { name: 'dead fallback', authMethod: 'NONE' }));
      const a = await create(smtpConnection({ host: '127.0.0.1', port: await closedPort() }, { name: 'dead primary', authMethod: 'NONE', fallback: 'dead fallback' }));
      const id = await execute(a.body.id, 'nowhere@customer.test');
      const d = await until(id, ['sent', 'failed']);
      expect(d.status).to.equal('failed');
      const A = { id: a.body.id, name: 'dead primary' };
      const B = { id: dead.body.id, name: 'dead fallback' };
      expect(d.attemptLog.map((x: { connection: unknown }) => x.connection)).to.deep.equal([A, B, A, B, A]);
      expect(d.attemptLog.every((x: { code: string }) => x.code === 'CONNECTION_REFUSED')).to.equal(true);
    });

    it('?wait answers the failover\'s outcome: sent through the fallback, not the primary\'s failure', async () => {
      const p = await primary({}, { host: '127.0.0.1', port: await closedPort() });
      const r = await envoi.api('POST', `${base}/actions/send-email/execute?wait=10`, { input: { to: 'waited@customer.test', subject: 'waited', text: 'x', connection: p.id } });
      expect(r.status, r.text).to.equal(200);
      expect(r.body.status).to.equal('sent');
      expect(r.body.accepted).to.deep.equal(['waited@customer.test']);
      expect(carried(fallbackSink, 'waited@customer.test')).to.have.length(1);
    });

    it('every connection of the chain unhealthy: the mail waits; fixing the fallback sends it at once through it', async () => {
      const login = { authMethod: 'PLAIN', user: 'mailer@envoi.test', caCertificate: testPki().caCert };
      const f = await create(smtpConnection(authSink, { name: 'wrong fallback', ...login, password: 'wrong-too' }));
      const p = await create(smtpConnection(authSink, { name: 'wrong primary', ...login, password: 'wrong', fallback: 'wrong fallback' }));
      const id = await execute(p.body.id, 'fixed@customer.test');
      const waiting = await pollFor(() => delivery(id), (d) => d.waitingFor?.code === 'CONNECTION_UNHEALTHY' || d.status !== 'queued' && d.status !== 'retrying' && d.status !== 'sending', (d) => JSON.stringify(d), 15_000);
      expect(waiting.waitingFor?.code, JSON.stringify(waiting)).to.equal('CONNECTION_UNHEALTHY');
      const fixed = await envoi.api('PATCH', `${base}/connections/${f.body.id}`, { password: PASSWORD });
      expect(fixed.status, fixed.text).to.equal(200);
      const d = await until(id, ['sent', 'failed']);
      expect(d.status).to.equal('sent');
      const P = { id: p.body.id, name: 'wrong primary' };
      const F = { id: f.body.id, name: 'wrong fallback' };
      expect(d.attemptLog.map((a: { connection: unknown; code: string | null }) => [a.connection, a.code])).to.deep.equal([[P, 'AUTH_FAILED'], [F, 'AUTH_FAILED'], [F, null]]);
      expect(carried(authSink, 'fixed@customer.test')).to.have.length(1);
    });

    it('a 550 for the recipient never fails over: failed at once, the fallback receives nothing', async () => {
      const p = await primary({});
      const id = await execute(p.id, 'gone@customer.test');
      const d = await until(id, ['sent', 'failed']);
      expect(d.status).to.equal('failed');
      expect(d.attemptLog).to.have.length(1);
      expect(d.attemptLog[0]).to.deep.include({ outcome: 'failed', code: 'RECIPIENT_REJECTED', connection: { id: p.id, name: p.name } });
      expect(carried(fallbackSink, 'gone@customer.test')).to.have.length(0);
    });

    it('a rate-limited primary makes mail wait; the fallback carries nothing', async () => {
      const p = await primary({ rateLimit: { messages: 1, perSeconds: 3 } });
      const first = await until(await execute(p.id, 'rate-1@customer.test'), ['sent', 'failed']);
      expect(first.status).to.equal('sent');
      const id = await execute(p.id, 'rate-2@customer.test');
      const waiting = await pollFor(() => delivery(id), (d) => d.waitingFor?.code === 'RATE_LIMITED' || d.status === 'sent', (d) => JSON.stringify(d), 10_000);
      expect(waiting.waitingFor?.code, 'waits for the rate limit').to.equal('RATE_LIMITED');
      const d = await until(id, ['sent', 'failed']);
      expect(d.status).to.equal('sent');
      expect(d.attemptLog.map((a: { connection: unknown }) => a.connection)).to.deep.equal([{ id: p.id, name: p.name }]);
      expect(carried(plainSink, 'rate-2@customer.test')).to.have.length(1);
      expect(carried(fallbackSink, 'rate-1@customer.test').length + carried(fallbackSink, 'rate-2@customer.test').length).to.equal(0);
    });

    it('an invitation (a system mail) fails over too', async () => {
      const p = await primary({}, { host: '127.0.0.1', port: await closedPort() });
      const d = await failsOver(p, 'CONNECTION_REFUSED', 'invited@customer.test', 'send-invitation');
      expect(d.action).to.equal('send-invitation');
      expect(carried(fallbackSink, 'invited@customer.test')[0]!.parsed.subject).to.include('Acme CRM');
    });

    it('a fallback to itself at create, and a cycle A → B → A through PATCH, are FALLBACK_CYCLE', async () => {
      const self = await create(smtpConnection(plainSink, { name: 'narcissus', authMethod: 'NONE', fallback: 'narcissus' }));
      expect(self.status, self.text).to.equal(400);
      expect(self.body.error.code).to.equal('FALLBACK_CYCLE');
      expect(self.body.error.hint).to.be.a('string').and.not.equal('');
      const a = await create(smtpConnection(plainSink, { name: 'cycle A', authMethod: 'NONE' }));
      const b = await create(smtpConnection(plainSink, { name: 'cycle B', authMethod: 'NONE', fallback: a.body.id }));
      expect(b.body.fallback).to.deep.equal({ id: a.body.id, name: 'cycle A' });
      const loop = await envoi.api('PATCH', `${base}/connections/${a.body.id}`, { fallback: 'cycle B' });
      expect(loop.status, loop.text).to.equal(400);
      expect(loop.body.error.code).to.equal('FALLBACK_CYCLE');
      const toSelf = await envoi.api('PATCH', `${base}/connections/${a.body.id}`, { fallback: a.body.id });
      expect(toSelf.body.error.code).to.equal('FALLBACK_CYCLE');
      expect((await envoi.api('GET', `${base}/connections/${a.body.id}`)).body.fallback, 'nothing changed').to.equal(null);
    });

    it('a chain of 4 is refused (VALIDATION_FAILED with a hint); a chain of 3 is fine; PATCH null clears a link', async () => {
      const c1 = await create(smtpConnection(plainSink, { name: 'chain 1', authMethod: 'NONE' }));
      const c2 = await create(smtpConnection(plainSink, { name: 'chain 2', authMethod: 'NONE', fallback: 'chain 1' }));
      const c3 = await create(smtpConnection(plainSink, { name: 'chain 3', authMethod: 'NONE', fallback: c2.body.id }));
      expect(c3.status, c3.text).to.equal(201);
      const c4 = await create(smtpConnection(plainSink, { name: 'chain 4', authMethod: 'NONE', fallback: 'chain 3' }));
      expect(c4.status, c4.text).to.equal(400);
      expect(c4.body.error.code).to.equal('VALIDATION_FAILED');
      expect(c4.body.error.details[0].path).to.equal('/fallback');
      expect(c4.body.error.hint).to.match(/3 connections/);
      // Lengthening the chain from below is refused too: c1 falling back to a fresh one makes 4.
      const loose = await create(smtpConnection(plainSink, { name: 'chain loose', authMethod: 'NONE' }));
      const below = await envoi.api('PATCH', `${base}/connections/${c1.body.id}`, { fallback: loose.body.id });
      expect(below.status, below.text).to.equal(400);
      expect(below.body.error.code).to.equal('VALIDATION_FAILED');
      const cleared = await envoi.api('PATCH', `${base}/connections/${c3.body.id}`, { fallback: null });
      expect(cleared.status, cleared.text).to.equal(200);
      expect(cleared.body.fallback).to.equal(null);
      const unknown = await create(smtpConnection(plainSink, { name: 'chain unknown', authMethod: 'NONE', fallback: 'no such connection' }));
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error).to.deep.include({ code: 'VALIDATION_FAILED', details: [{ path: '/fallback', message: 'is not a connection of this scope' }] });
      const elsewhere = await envoi.api('POST', '/api/v1/scopes/other/connections', smtpConnection(plainSink, { name: 'elsewhere', authMethod: 'NONE', fallback: c1.body.id }));
      expect(elsewhere.status, 'a fallback of another scope is unknown here').to.equal(400);
      expect(elsewhere.body.error.code).to.equal('VALIDATION_FAILED');
    });

    it('deleting a connection that is another\'s fallback clears that link', async () => {
      const target = await create(smtpConnection(plainSink, { name: 'to delete', authMethod: 'NONE' }));
      const user = await create(smtpConnection(plainSink, { name: 'falls back to it', authMethod: 'NONE', fallback: 'to delete' }));
      expect(user.body.fallback).to.deep.equal({ id: target.body.id, name: 'to delete' });
      expect((await envoi.api('DELETE', `${base}/connections/${target.body.id}`)).status).to.equal(204);
      const after = await envoi.api('GET', `${base}/connections/${user.body.id}`);
      expect(after.body.fallback).to.equal(null);
      const listed = (await envoi.api('GET', `${base}/connections`)).body.items.find((c: { id: string }) => c.id === user.body.id);
      expect(listed.fallback).to.equal(null);
    });
  });
}
