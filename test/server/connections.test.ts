import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { closedPort, silentServer, SmtpSink } from '../support/smtp-sink.js';

const PASSWORD = 'Sup3r-S3cret-Pa55word!';
const C = '/api/v1/scopes/platform/connections';

for (const backend of BACKENDS) {
  describe(`connections: an admin's path over HTTP (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    const sinks: SmtpSink[] = [];
    const sink = async (o: ConstructorParameters<typeof SmtpSink>[0]) => {
      const s = await new SmtpSink(o).start();
      sinks.push(s);
      return s;
    };
    /** Every response body seen in this suite, to prove no secret is ever echoed. */
    const seen: string[] = [];
    const api = async (method: string, p: string, body?: unknown, opts?: Parameters<TestEnvoi['api']>[3]) => {
      const r = await envoi.api(method, p, body, opts);
      seen.push(r.text);
      return r;
    };

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl }).start();
    });

    after(async () => {
      await envoi?.stop();
      await Promise.all(sinks.map((s) => s.close()));
      await drop?.();
    });

    describe('the four set-ups an admin meets pass a test and deliver the test mail', () => {
      it('a relay without login (port-25 style, no TLS)', async () => {
        const relay = await sink({ tls: 'none' });
        const created = await api('POST', C, smtpConnection(relay, { name: 'Office relay', senderName: 'Acme Robot', authMethod: 'NONE' }));
        expect(created.status).to.equal(201);
        expect(created.body).to.include({ authMethod: 'NONE', hasSecret: false, secure: false });

        const test = await api('POST', `${C}/${created.body.id}/test`);
        expect(test.status).to.equal(200);
        expect(test.body).to.include({ ok: true, stage: 'done' });
        expect(test.body.durationMs).to.be.a('number');

        const mail = await api('POST', `${C}/${created.body.id}/test-email`, { to: 'admin@customer.test' });
        expect(mail.body).to.include({ ok: true, subject: 'Test email from Envoi' });
        const [got] = await relay.waitFor(1);
        expect(got!.parsed.subject).to.equal('Test email from Envoi');
        expect(got!.parsed.from!.value[0]).to.deep.include({ name: 'Acme Robot', address: 'sender@envoi.test' });
        // Reply-To defaults to the sender (Ksaar: "par défaut, l'email de réponse sera le même que celui de l'expéditeur").
        expect(got!.parsed.replyTo!.value[0]!.address).to.equal('sender@envoi.test');
        expect(got!.envelope).to.deep.equal({ from: 'sender@envoi.test', to: ['admin@customer.test'] });
      });

      it('STARTTLS with PLAIN, a private CA and an explicit Reply-To', async () => {
        const server = await sink({ tls: 'starttls', users: { 'mailer@envoi.test': PASSWORD } });
        const created = await api('POST', C, {
          ...smtpConnection(server),
          host: 'localhost',
          name: 'Submission PLAIN',
          senderName: 'Support',
          replyTo: 'replies@envoi.test',
          authMethod: 'PLAIN',
          user: 'mailer@envoi.test',
          password: PASSWORD,
          caCertificate: testPki().caCert,
        });
        expect(created.status).to.equal(201);
        expect(created.body).to.include({ hasSecret: true, authMethod: 'PLAIN', user: 'mailer@envoi.test' });
        expect(created.body).not.to.have.property('password');

        const test = await api('POST', `${C}/${created.body.id}/test`);
        expect(test.body, test.text).to.include({ ok: true, stage: 'done' });
        expect(test.body.server).to.deep.include({ tls: true });
        expect(test.body.server.authMethods).to.include('PLAIN');
        expect(server.authAttempts).to.deep.equal([{ method: 'PLAIN', username: 'mailer@envoi.test', secure: true, ok: true }]);

        const mail = await api('POST', `${C}/${created.body.id}/test-email`, { to: 'someone@customer.test' });
        expect(mail.body, mail.text).to.include({ ok: true });
        const [got] = await server.waitFor(1);
        expect(got!.secure).to.equal(true);
        expect(got!.user).to.equal('mailer@envoi.test');
        expect(got!.parsed.from!.value[0]).to.deep.include({ name: 'Support', address: 'sender@envoi.test' });
        expect(got!.parsed.replyTo!.value[0]!.address).to.equal('replies@envoi.test');
        expect(got!.parsed.inReplyTo, 'Reply-To must not become a threading header').to.equal(undefined);
      });

      it('implicit TLS (Secure on) with a CA made at test time, user same as sender', async () => {
        const server = await sink({ tls: 'implicit', users: { 'sender@envoi.test': PASSWORD } });
        const created = await api('POST', C, {
          ...smtpConnection(server),
          host: 'localhost',
          name: 'Implicit TLS',
          secure: true,
          userSameAsSender: true,
          password: PASSWORD,
          caCertificate: testPki().caCert,
        });
        expect(created.status).to.equal(201);
        expect(created.body).to.include({ userSameAsSender: true, authMethod: 'PLAIN', secure: true });
        const test = await api('POST', `${C}/${created.body.id}/test`);
        expect(test.body, test.text).to.include({ ok: true, stage: 'done' });
        const mail = await api('POST', `${C}/${created.body.id}/test-email`, { to: 'x@customer.test' });
        expect(mail.body, mail.text).to.include({ ok: true });
        const [got] = await server.waitFor(1);
        expect(got!.user).to.equal('sender@envoi.test');
        expect(got!.parsed.from!.value[0]!.address).to.equal('sender@envoi.test');
      });

      it('STARTTLS with LOGIN on a server that offers only LOGIN', async () => {
        const server = await sink({ tls: 'starttls', authMethods: ['LOGIN'], users: { legacy: PASSWORD } });
        const created = await api('POST', C, {
          ...smtpConnection(server),
          host: 'localhost',
          name: 'LOGIN only',
          authMethod: 'LOGIN',
          user: 'legacy',
          password: PASSWORD,
          caCertificate: testPki().caCert,
        });
        const test = await api('POST', `${C}/${created.body.id}/test`);
        expect(test.body, test.text).to.include({ ok: true, stage: 'done' });
        expect(test.body.server.authMethods).to.deep.equal(['LOGIN']);
        const mail = await api('POST', `${C}/${created.body.id}/test-email`, { to: 'x@customer.test' });
        expect(mail.body, mail.text).to.include({ ok: true });
        const [got] = await server.waitFor(1);
        expect(got!.user).to.equal('legacy');
        expect(server.authAttempts.every((a) => a.method === 'LOGIN' && a.secure)).to.equal(true);
      });
    });

    describe('a failed test names the code, the stage and what to do', () => {
      const unsaved = (body: Record<string, unknown>) => api('POST', `${C}/test`, body);

      it('DNS_LOOKUP_FAILED at dns for a host that does not resolve', async () => {
        const r = await unsaved({ name: 'typo', senderEmail: 'a@envoi.test', host: 'smtp.gmial.invalid', port: 587, authMethod: 'NONE' });
        expect(r.status).to.equal(200);
        expect(r.body).to.include({ ok: false, stage: 'dns', code: 'DNS_LOOKUP_FAILED' });
        expect(r.body.hint).to.match(/typo/i);
      });

      it('CONNECTION_REFUSED at connect when nothing listens', async () => {
        const port = await closedPort();
        const r = await unsaved({ name: 'closed', senderEmail: 'a@envoi.test', host: '127.0.0.1', port, authMethod: 'NONE' });
        expect(r.body).to.include({ ok: false, stage: 'connect', code: 'CONNECTION_REFUSED' });
        expect(r.body.hint).to.match(/host and port/);
      });

      it('CONNECTION_TIMEOUT at connect when the server never greets', async () => {
        const silent = await silentServer();
        try {
          const r = await unsaved({ name: 'silent', senderEmail: 'a@envoi.test', host: '127.0.0.1', port: silent.port, authMethod: 'NONE' });
          expect(r.body).to.include({ ok: false, stage: 'connect', code: 'CONNECTION_TIMEOUT' });
          expect(r.body.hint).to.match(/Secure on/);
        } finally {
          await silent.close();
        }
      });

      it('TLS_FAILED at tls with Secure on against a STARTTLS port: "turn Secure off or use port 465"', async () => {
        const server = await sink({ tls: 'starttls' });
        const r = await unsaved({ name: 'wrong mode', senderEmail: 'a@envoi.test', host: '127.0.0.1', port: server.port, secure: true, authMethod: 'NONE' });
        expect(r.body, r.text).to.include({ ok: false, stage: 'tls', code: 'TLS_FAILED' });
        expect(r.body.hint).to.match(/turn Secure off or use port 465/);
      });

      it('TLS_FAILED at tls for a certificate no trusted CA signed, fixed by adding the CA', async () => {
        const server = await sink({ tls: 'implicit', selfSigned: true });
        const base = { name: 'self-signed', senderEmail: 'a@envoi.test', host: 'localhost', port: server.port, secure: true, authMethod: 'NONE' };
        const r = await unsaved(base);
        expect(r.body, r.text).to.include({ ok: false, stage: 'tls', code: 'TLS_FAILED' });
        expect(r.body.hint).to.match(/CA certificate/);
        const withCa = await unsaved({ ...base, caCertificate: testPki().selfSignedCert });
        expect(withCa.body, withCa.text).to.include({ ok: true, stage: 'done' });
      });

      it('STARTTLS_UNAVAILABLE at tls, and a server hiding STARTTLS never receives AUTH', async () => {
        const server = await sink({ tls: 'starttls', hideSTARTTLS: true, users: { u: PASSWORD }, allowInsecureAuth: true });
        const r = await unsaved({ name: 'no starttls', senderEmail: 'a@envoi.test', host: '127.0.0.1', port: server.port, user: 'u', password: PASSWORD });
        expect(r.body, r.text).to.include({ ok: false, stage: 'tls', code: 'STARTTLS_UNAVAILABLE' });
        // Saved and used for a real send, the credentials still never cross in clear.
        const saved = await api('POST', C, { ...smtpConnection(server), user: 'u', password: PASSWORD });
        const mail = await api('POST', `${C}/${saved.body.id}/test-email`, { to: 'x@customer.test' });
        expect(mail.body).to.include({ ok: false, code: 'STARTTLS_UNAVAILABLE' });
        expect(server.authAttempts, 'AUTH reached a server without TLS').to.deep.equal([]);
        expect(server.received).to.have.length(0);
      });

      it('AUTH_FAILED at auth for a wrong password, with the app-password hint', async () => {
        const server = await sink({ tls: 'starttls', users: { u: PASSWORD } });
        const r = await unsaved({ name: 'bad pw', senderEmail: 'a@envoi.test', host: 'localhost', port: server.port, user: 'u', password: 'wrong', caCertificate: testPki().caCert });
        expect(r.body, r.text).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 535 });
        expect(r.body.hint).to.match(/check the user name and password; Gmail and Outlook need an app password/i);
        expect(r.text).not.to.include('wrong"');
      });

      it('AUTH_METHOD_UNSUPPORTED at auth for PLAIN on a LOGIN-only server, naming the method to pick', async () => {
        const server = await sink({ tls: 'starttls', authMethods: ['LOGIN'], users: { u: PASSWORD } });
        const r = await unsaved({ name: 'plain', senderEmail: 'a@envoi.test', host: 'localhost', port: server.port, user: 'u', password: PASSWORD, authMethod: 'PLAIN', caCertificate: testPki().caCert });
        expect(r.body, r.text).to.include({ ok: false, stage: 'auth', code: 'AUTH_METHOD_UNSUPPORTED' });
        expect(r.body.hint).to.match(/LOGIN/);
      });

      it('AUTH_METHOD_UNSUPPORTED when the server advertises no AUTH at all (verify() would say ok)', async () => {
        const server = await sink({ tls: 'starttls' });
        const r = await unsaved({ name: 'no auth', senderEmail: 'a@envoi.test', host: 'localhost', port: server.port, user: 'u', password: PASSWORD, caCertificate: testPki().caCert });
        expect(r.body, r.text).to.include({ ok: false, stage: 'auth', code: 'AUTH_METHOD_UNSUPPORTED' });
      });

      it('SENDER_REJECTED at send when the server refuses the From address', async () => {
        const server = await sink({
          tls: 'none',
          server: {
            onMailFrom(address, _s, cb) {
              cb(Object.assign(new Error(`5.7.1 ${address.address} may not send here`), { responseCode: 553 }));
            },
          },
        });
        const saved = await api('POST', C, smtpConnection(server, { authMethod: 'NONE' }));
        const mail = await api('POST', `${C}/${saved.body.id}/test-email`, { to: 'x@customer.test' });
        expect(mail.body, mail.text).to.include({ ok: false, stage: 'send', code: 'SENDER_REJECTED', responseCode: 553 });
        expect(mail.body.reply).to.match(/may not send here/);
        expect(mail.body.hint).to.match(/sender/);
      });
    });

    describe('secrets', () => {
      it('changing the host without re-entering the password never sends the old password to the new host', async () => {
        const original = await sink({ tls: 'starttls', users: { u: PASSWORD } });
        const attacker = await sink({ tls: 'starttls', users: { u: 'anything' } });
        const created = await api('POST', C, { ...smtpConnection(original), host: 'localhost', user: 'u', password: PASSWORD, caCertificate: testPki().caCert });
        expect(created.status).to.equal(201);

        const moved = await api('PATCH', `${C}/${created.body.id}`, { port: attacker.port });
        expect(moved.status).to.equal(400);
        expect(moved.body.error).to.include({ code: 'SECRET_REQUIRED' });
        expect(moved.body.error.hint).to.match(/password/i);
        // Testing the edited form before saving is refused the same way.
        const draft = await api('POST', `${C}/test`, { id: created.body.id, port: attacker.port });
        expect(draft.body.error).to.include({ code: 'SECRET_REQUIRED' });
        expect(attacker.authAttempts).to.deep.equal([]);

        // The connection itself is unchanged and still works.
        const still = await api('POST', `${C}/${created.body.id}/test`);
        expect(still.body).to.include({ ok: true });
        expect(original.authAttempts.at(-1)).to.include({ ok: true });

        // An edit that keeps host, port, user and method keeps the password.
        const renamed = await api('PATCH', `${C}/${created.body.id}`, { senderName: 'Renamed' });
        expect(renamed.status).to.equal(200);
        expect(renamed.body).to.include({ hasSecret: true, senderName: 'Renamed', version: 2 });
        expect((await api('POST', `${C}/${created.body.id}/test`)).body).to.include({ ok: true });

        // Moving with the new password works.
        const withPw = await api('PATCH', `${C}/${created.body.id}`, { port: attacker.port, password: 'anything' });
        expect(withPw.status).to.equal(200);
        expect((await api('POST', `${C}/${created.body.id}/test`)).body).to.include({ ok: true });
        expect(attacker.authAttempts.map((a) => a.ok)).to.deep.equal([true]);
      });

      it('switching to authentication NONE deletes the stored password', async () => {
        const server = await sink({ tls: 'starttls', users: { u: PASSWORD } });
        const created = await api('POST', C, { ...smtpConnection(server), user: 'u', password: PASSWORD });
        const none = await api('PATCH', `${C}/${created.body.id}`, { authMethod: 'NONE' });
        expect(none.body).to.include({ hasSecret: false, authMethod: 'NONE' });
        expect(none.body).not.to.have.property('user');
      });

      it('switching provider keeps only the active provider\'s credentials', async () => {
        const server = await sink({ tls: 'starttls', users: { u: PASSWORD } });
        const created = await api('POST', C, { ...smtpConnection(server), user: 'u', password: PASSWORD });
        const missing = await api('PATCH', `${C}/${created.body.id}`, { provider: 'microsoft365', tenantId: 'contoso.onmicrosoft.com', clientId: '6731de76-14a6-49ae-97bc-6eba6914391e' });
        expect(missing.body.error).to.include({ code: 'SECRET_REQUIRED' });
        const switched = await api('PATCH', `${C}/${created.body.id}`, {
          provider: 'microsoft365',
          tenantId: 'contoso.onmicrosoft.com',
          clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
          clientSecret: 'client-secret-value',
        });
        expect(switched.status, switched.text).to.equal(200);
        expect(switched.body).to.include({ provider: 'microsoft365', hasSecret: true });
        for (const gone of ['host', 'port', 'user', 'authMethod', 'secure']) expect(switched.body).not.to.have.property(gone);
        const rows = await envoi.server.envoi.db.knex('connection_secrets').where({ connection_id: created.body.id });
        expect(rows.map((r: { field: string }) => r.field)).to.deep.equal(['clientSecret']);
      });

      it('deleting a connection deletes its secrets', async () => {
        const created = await api('POST', C, { ...smtpConnection({ host: '127.0.0.1', port: 587 }), user: 'u', password: PASSWORD });
        expect((await api('DELETE', `${C}/${created.body.id}`)).status).to.equal(204);
        expect(await envoi.server.envoi.db.knex('connection_secrets').where({ connection_id: created.body.id })).to.have.length(0);
        expect((await api('GET', `${C}/${created.body.id}`)).body.error).to.include({ code: 'CONNECTION_NOT_FOUND' });
      });

      it('no response, log line or stored row carries a secret in clear; a restart keeps everything working', async function () {
        const server = await sink({ tls: 'starttls', users: { u: PASSWORD } });
        const created = await api('POST', C, { ...smtpConnection(server), host: 'localhost', user: 'u', password: PASSWORD, caCertificate: testPki().caCert, name: 'survives restart' });
        for (const text of seen) expect(text).not.to.include(PASSWORD);
        for (const line of envoi.logs) expect(line).not.to.include(PASSWORD);
        const sealed = await envoi.server.envoi.db.knex('connection_secrets').select('sealed');
        for (const r of sealed as Array<{ sealed: string }>) expect(r.sealed).not.to.include(PASSWORD);
        if (backend.name === 'sqlite') {
          await envoi.server.envoi.db.knex.raw('PRAGMA wal_checkpoint(FULL)');
        }
        for (const f of envoi.dataFiles()) {
          expect(f.bytes.includes(Buffer.from(PASSWORD)), `${f.file} holds the password in clear`).to.equal(false);
          expect(f.bytes.includes(Buffer.from('client-secret-value')), `${f.file} holds a client secret in clear`).to.equal(false);
        }
        const keyFile = envoi.dataFiles().find((f) => f.file.endsWith('secret.key'))!;
        const { statSync } = await import('node:fs');
        expect(statSync(keyFile.file).mode & 0o777).to.equal(0o600);

        await envoi.restart();
        const after = await api('GET', `${C}/${created.body.id}`);
        expect(after.body).to.include({ name: 'survives restart', hasSecret: true });
        expect((await api('POST', `${C}/${created.body.id}/test`)).body).to.include({ ok: true, stage: 'done' });
      });
    });

    describe('defaults and scopes', () => {
      it('the default moves atomically: one default per scope, even under concurrent switches', async () => {
        const scope = 'acme-default';
        const P = `/api/v1/scopes/${scope}/connections`;
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) ids.push((await api('POST', P, smtpConnection({ host: '127.0.0.1', port: 2525 }, { name: `c${i}`, authMethod: 'NONE' }))).body.id);
        const first = await api('POST', `${P}/${ids[0]}/default`);
        expect(first.body).to.include({ isDefault: true });
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => api('POST', `${P}/${ids[i % 4]}/default`)));
        expect(results.map((r) => r.status)).to.deep.equal(Array(20).fill(200));
        const list = (await api('GET', P)).body.items as Array<{ isDefault: boolean }>;
        expect(list.filter((c) => c.isDefault)).to.have.length(1);
        // The database itself refuses a second default.
        let refused = false;
        try {
          await envoi.server.envoi.db.knex('connections').where({ scope }).update({ is_default: true });
        } catch {
          refused = true;
        }
        expect(refused, 'partial unique index must refuse two defaults').to.equal(true);
        const create = await api('POST', P, smtpConnection({ host: '127.0.0.1', port: 2525 }, { name: 'newcomer', authMethod: 'NONE', isDefault: true }));
        expect(create.body).to.include({ isDefault: true });
        const after = (await api('GET', P)).body.items as Array<{ name: string; isDefault: boolean }>;
        expect(after.filter((c) => c.isDefault).map((c) => c.name)).to.deep.equal(['newcomer']);
      });

      it('names are unique per scope regardless of case, but may repeat across scopes', async () => {
        const a = await api('POST', '/api/v1/scopes/t-one/connections', smtpConnection({ host: '127.0.0.1', port: 25 }, { name: 'Marketing', authMethod: 'NONE' }));
        expect(a.status).to.equal(201);
        const dup = await api('POST', '/api/v1/scopes/t-one/connections', smtpConnection({ host: '127.0.0.1', port: 25 }, { name: 'marketing', authMethod: 'NONE' }));
        expect(dup.status).to.equal(409);
        expect(dup.body.error).to.include({ code: 'CONFLICT' });
        expect(dup.body.error.hint).to.be.a('string');
        const other = await api('POST', '/api/v1/scopes/t-two/connections', smtpConnection({ host: '127.0.0.1', port: 25 }, { name: 'Marketing', authMethod: 'NONE' }));
        expect(other.status).to.equal(201);
      });

      it('a tenant never sees, tests, edits or uses another tenant\'s connection', async () => {
        const server = await sink({ tls: 'none' });
        const theirs = await api('POST', '/api/v1/scopes/globex/connections', smtpConnection(server, { name: 'globex mail', authMethod: 'NONE' }));
        const acmeAdmin = await envoi.key('admin', 'acme');
        const acmeBuilder = await envoi.key('builder', 'acme');
        const id = theirs.body.id as string;
        const A = '/api/v1/scopes/acme/connections';
        // Their scope's path is forbidden to acme keys...
        expect((await api('GET', '/api/v1/scopes/globex/connections', undefined, { key: acmeBuilder })).status).to.equal(403);
        expect((await api('GET', '/api/v1/scopes/globex/connections', undefined, { key: acmeAdmin })).body.error.code).to.equal('FORBIDDEN');
        // ...and their connection id does not exist in acme's scope.
        for (const [method, p, body] of [
          ['GET', `${A}/${id}`],
          ['PATCH', `${A}/${id}`, { senderName: 'pwned' }],
          ['POST', `${A}/${id}/test`],
          ['POST', `${A}/${id}/test-email`, { to: 'x@acme.test' }],
          ['POST', `${A}/${id}/default`],
          ['DELETE', `${A}/${id}`],
        ] as Array<[string, string, unknown?]>) {
          const r = await api(method, p, body, { key: acmeAdmin });
          expect(r.status, `${method} ${p}`).to.equal(404);
          expect(r.body.error.code).to.equal('CONNECTION_NOT_FOUND');
        }
        const list = await api('GET', A, undefined, { key: acmeBuilder });
        expect(list.body.items.map((c: { id: string }) => c.id)).not.to.include(id);
        expect(server.received).to.have.length(0);
        const untouched = await api('GET', `/api/v1/scopes/globex/connections/${id}`);
        expect(untouched.body).to.include({ name: 'globex mail', version: 1 });
        expect(untouched.body).not.to.have.property('senderName');
      });
    });
  });
}

describe('connection tests need no saved state: unsaved configuration with a saved secret', () => {
  let envoi: TestEnvoi;
  let server: SmtpSink;
  before(async () => {
    envoi = await new TestEnvoi().start();
    server = await new SmtpSink({ tls: 'starttls', users: { u: PASSWORD } }).start();
  });
  after(async () => {
    await envoi.stop();
    await server.close();
  });

  it('the edit form tests a changed sender with the stored password ("leave empty to keep")', async () => {
    const created = await envoi.api('POST', C, { ...smtpConnection(server), host: 'localhost', user: 'u', password: PASSWORD, caCertificate: testPki().caCert });
    const r = await envoi.api('POST', `${C}/test`, { id: created.body.id, senderEmail: 'other@envoi.test' });
    expect(r.body, r.text).to.include({ ok: true, stage: 'done' });
  });
});
