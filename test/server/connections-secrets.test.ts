import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { C, connectionsSuite, PASSWORD } from './connections-suite.js';

for (const backend of BACKENDS) {
  describe(`connections: an admin's path over HTTP (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { api, sink, seen } = connectionsSuite(backend, (e) => (envoi = e));

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
  });
}
