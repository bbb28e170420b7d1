import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { BACKENDS, smtpConnection } from '../support/harness.js';
import { C, connectionsSuite, PASSWORD } from './connections-suite.js';

for (const backend of BACKENDS) {
  describe(`connections: an admin's path over HTTP (${backend.name})`, function () {
    const { api, sink } = connectionsSuite(backend);

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
  });
}
