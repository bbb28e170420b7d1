import { expect } from 'chai';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { connectionsSuite } from './connections-suite.js';

for (const backend of BACKENDS) {
  describe(`connections: an admin's path over HTTP (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { api, sink } = connectionsSuite(backend, (e) => (envoi = e));

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
