import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { closedPort, silentServer, SmtpSink } from '../support/smtp-sink.js';
import { C, connectionsSuite, PASSWORD } from './connections-suite.js';

for (const backend of BACKENDS) {
  describe(`connections: an admin's path over HTTP (${backend.name})`, function () {
    const { api, sink } = connectionsSuite(backend);

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
