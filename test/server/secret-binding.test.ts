import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { legacyBindingText, secretContext } from '../../connector/connection-secrets.js';
import { testPki } from '../support/certs.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, tableLookup, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { pollFor } from '../support/wait.js';

const PASSWORD = 'Tru5t-Bound-Pa55word!';
const C = '/api/v1/scopes/platform/connections';

/**
 * A server on the network path: it answers for the real server's name and port with its own
 * self-signed certificate, and records every AUTH attempt (with or without TLS).
 */
async function impostor(port: number): Promise<{ logins: string[]; close(): Promise<void> }> {
  const logins: string[] = [];
  const pki = testPki();
  const server = new SMTPServer({
    key: pki.selfSignedKey,
    cert: pki.selfSignedCert,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    logger: false,
    onAuth: (auth, _session, cb) => {
      logins.push(`${auth.username}:${auth.password}`);
      cb(null, { user: auth.username });
    },
    onData: (stream, _session, cb) => {
      stream.resume();
      stream.on('end', () => cb());
    },
  });
  server.on('error', () => {});
  // 127.0.0.2 is loopback too: the impostor takes the real server's port on another address,
  // and the test's resolver plays the network path by pointing "localhost" at it.
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.2', () => resolve());
  });
  expect((server.server.address() as AddressInfo).port).to.equal(port);
  return {
    logins,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.connections) c._socket.destroy();
        server.close(() => resolve());
      }),
  };
}

for (const backend of BACKENDS) {
  describe(`stored secrets are bound to where and how they are sent (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let real: SmtpSink;
    const lookup = tableLookup();
    const pki = testPki();
    const base = () => ({ senderEmail: 'sender@envoi.test', host: 'localhost', port: real.port, authMethod: 'PLAIN', user: 'u', caCertificate: pki.caCert, requireTLS: true });
    const send = (connection: string, to: string, wait = 10) =>
      envoi.api('POST', `/api/v1/scopes/platform/actions/send-email/execute${wait ? `?wait=${wait}` : ''}`, { input: { connection, to, subject: 'Bound', text: 'hello' } });

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      real = await new SmtpSink({ tls: 'starttls', users: { u: PASSWORD } }).start();
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, lookup }).start();
    });

    after(async () => {
      await envoi?.stop();
      await real?.close();
      await drop?.();
    });

    afterEach(() => {
      lookup.table.localhost = ['127.0.0.1'];
    });

    it('PATCH of any TLS trust setting without the password is SECRET_REQUIRED, naming the setting; the same certificate pasted again is no change', async () => {
      const withCa = await envoi.api('POST', C, { ...base(), name: 'trust with CA', password: PASSWORD });
      const noCa = await envoi.api('POST', C, { ...base(), name: 'trust without CA', caCertificate: undefined, password: PASSWORD });
      expect(withCa.status, withCa.text).to.equal(201);
      expect(noCa.status, noCa.text).to.equal(201);
      const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
        ['Secure on', withCa.body.id, { secure: true }, /Secure/],
        ['Require TLS off', withCa.body.id, { requireTLS: false }, /Require TLS/],
        ['certificate checks off', withCa.body.id, { allowInvalidCertificates: true }, /Allow invalid certificates/],
        ['another CA', withCa.body.id, { caCertificate: pki.selfSignedCert }, /CA certificate/],
        ['the CA removed', withCa.body.id, { caCertificate: null }, /CA certificate/],
        ['a CA added', noCa.body.id, { caCertificate: pki.selfSignedCert }, /CA certificate/],
      ];
      for (const [what, id, patch, named] of cases) {
        const r = await envoi.api('PATCH', `${C}/${id}`, patch);
        expect(r.status, `${what}: ${r.text}`).to.equal(400);
        expect(r.body.error.code, what).to.equal('SECRET_REQUIRED');
        expect(r.body.error.hint, what).to.match(named).and.match(/Enter the password again/);
        expect(r.body.error.details, what).to.deep.equal([{ path: '/password', message: r.body.error.details[0].message }]);
      }
      // Nothing of it was saved.
      const after = (await envoi.api('GET', `${C}/${withCa.body.id}`)).body;
      expect(after).to.include({ secure: false, requireTLS: true, allowInvalidCertificates: false, caCertificate: pki.caCert, hasSecret: true });

      // The same CA with CRLF line breaks and indentation is the same certificate.
      const repasted = await envoi.api('PATCH', `${C}/${withCa.body.id}`, { caCertificate: pki.caCert.split('\n').map((l) => `  ${l}`).join('\r\n'), senderName: 'Same CA' });
      expect(repasted.status, repasted.text).to.equal(200);
      expect(repasted.body.hasSecret).to.equal(true);

      // With the password entered again, each change is accepted.
      const relaxed = await envoi.api('PATCH', `${C}/${withCa.body.id}`, { allowInvalidCertificates: true, password: PASSWORD });
      expect(relaxed.status, relaxed.text).to.equal(200);
      expect(relaxed.body).to.include({ allowInvalidCertificates: true, hasSecret: true });
    });

    it('an impostor with another certificate on the network path sees no login: not through PATCH and send, not through a test of the edited form', async () => {
      const created = await envoi.api('POST', C, { ...base(), name: 'lured', password: PASSWORD });
      expect(created.status, created.text).to.equal(201);
      const id = created.body.id as string;
      const first = await send(id, 'before@customer.test');
      expect(first.body.status, first.text).to.equal('sent');
      expect(real.received.at(-1)!.user).to.equal('u');

      const fake = await impostor(real.port);
      try {
        lookup.table.localhost = ['127.0.0.2'];
        // An edit that keeps the password's binding opens a new pool, which resolves the name again.
        expect((await envoi.api('PATCH', `${C}/${id}`, { senderName: 'After the switch' })).status).to.equal(200);

        for (const patch of [{ allowInvalidCertificates: true }, { caCertificate: pki.selfSignedCert }, { caCertificate: null, requireTLS: false }]) {
          const r = await envoi.api('PATCH', `${C}/${id}`, patch);
          expect(r.status, r.text).to.equal(400);
          expect(r.body.error.code).to.equal('SECRET_REQUIRED');
        }
        // The send goes out with the trust settings the password was entered for: TLS refuses the impostor.
        const lured = await send(id, 'lured@customer.test', 0);
        expect(lured.body.deliveryId, lured.text).to.be.a('string');
        const d = await pollFor(
          async () => (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${lured.body.deliveryId}`)).body,
          (b) => b.attemptLog?.length >= 1,
          (b) => `no attempt: ${JSON.stringify(b)}`,
          15_000,
        );
        expect(d.status).to.not.equal('sent');
        expect(d.attemptLog[0].code).to.equal('TLS_FAILED');

        // The edit form's "Test connection" with an empty password field, on the changed settings.
        const form = { id, name: 'lured', ...base() };
        for (const change of [{ allowInvalidCertificates: true }, { caCertificate: pki.selfSignedCert }, { caCertificate: null, requireTLS: false }]) {
          const t = await envoi.api('POST', `${C}/test`, { ...form, ...change });
          expect(t.status, t.text).to.equal(400);
          expect(t.body.error.code).to.equal('SECRET_REQUIRED');
        }
        expect(fake.logins).to.deep.equal([]);

        // Entering the password again is the admin's decision to trust that server.
        const accepted = await envoi.api('PATCH', `${C}/${id}`, { allowInvalidCertificates: true, password: PASSWORD });
        expect(accepted.status, accepted.text).to.equal(200);
        expect(fake.logins).to.deep.equal([]);
      } finally {
        await fake.close();
      }
    });

    it('a secret sealed by the previous version (host, port, user and method only) still sends, and is bound to the trust settings on the next save', async () => {
      const created = await envoi.api('POST', C, { ...base(), host: '127.0.0.1', name: 'sealed before', password: PASSWORD });
      expect(created.status, created.text).to.equal(201);
      const id = created.body.id as string;
      const { keyring, db, connections } = envoi.server.envoi;
      const stored = await connections.get('platform', id);
      const oldStyle = keyring.seal(PASSWORD, { scope: 'platform', rowId: id, field: `password|${legacyBindingText('smtp', stored.settings)}` });
      await db.knex('connection_secrets').where({ connection_id: id, field: 'password' }).update({ key_id: oldStyle.keyId, sealed: oldStyle.value });

      const before = real.received.length;
      const r = await send(id, 'legacy@customer.test');
      expect(r.body.status, r.text).to.equal('sent');
      const got = real.received.slice(before).find((m) => m.envelope.to.includes('legacy@customer.test'));
      expect(got?.user).to.equal('u');

      // A save that keeps the password seals it again with the full binding.
      expect((await envoi.api('PATCH', `${C}/${id}`, { senderName: 'Re-bound' })).status).to.equal(200);
      const row = (await db.knex('connection_secrets').where({ connection_id: id, field: 'password' }).first()) as { key_id: string; sealed: string };
      expect(row.sealed).to.not.equal(oldStyle.value);
      const now = await connections.get('platform', id);
      expect(keyring.open({ keyId: row.key_id, value: row.sealed }, secretContext(now, 'password'))).to.equal(PASSWORD);
      expect(() => keyring.open({ keyId: row.key_id, value: row.sealed }, secretContext(now, 'password', true))).to.throw();
      const again = await send(id, 'rebound@customer.test');
      expect(again.body.status, again.text).to.equal('sent');
    });
  });
}
