import { expect } from 'chai';
import { smtpConnection, TestEnvoi } from '../support/harness.js';

describe('POST /hooks/v1/:connectionId: the route itself', () => {
  let envoi: TestEnvoi;
  const post = (id: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${envoi.url}/hooks/v1/${id}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  before(async () => {
    envoi = await new TestEnvoi({ overrides: { publicUrl: 'https://mail.acme.test' } }).start();
  });
  after(() => envoi.stop());

  it('an unknown connection, and one whose provider posts no events (SMTP), are CONNECTION_NOT_FOUND with a hint; SMTP shows no eventUrl', async () => {
    const smtp = await envoi.api('POST', '/api/v1/scopes/acme/connections', smtpConnection({ host: '127.0.0.1', port: 2525 }, { name: 'relay', authMethod: 'NONE' }));
    expect(smtp.status, smtp.text).to.equal(201);
    expect(smtp.body).not.to.have.property('eventUrl');
    for (const id of ['no-such-connection', smtp.body.id]) {
      const r = await post(id, '{}');
      expect(r.status).to.equal(404);
      const body = (await r.json()) as { error: { code: string; hint: string } };
      expect(body.error.code).to.equal('CONNECTION_NOT_FOUND');
      expect(body.error.hint).to.match(/event URL/);
    }
  });

  it('needs no API key, takes any content type as raw bytes, and refuses more than 1 MiB with PAYLOAD_TOO_LARGE', async () => {
    const mg = await envoi.api('POST', '/api/v1/scopes/acme/connections', { name: 'mg', provider: 'mailgun', senderEmail: 'a@mg.acme.test', domain: 'mg.acme.test', apiKey: 'k' });
    expect(mg.status, mg.text).to.equal(201);
    const unsigned = await post(mg.body.id, 'signature=nothing', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(unsigned.status, 'reached the provider\'s check, not the API key check').to.equal(401);
    expect(((await unsigned.json()) as { error: { hint: string } }).error.hint).to.match(/Sending → Webhooks/);
    const big = await post(mg.body.id, ' '.repeat(1024 * 1024 + 1));
    expect(big.status).to.equal(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).to.equal('PAYLOAD_TOO_LARGE');
  });
});
