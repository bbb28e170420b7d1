import { expect } from 'chai';
import { DEFAULT_PORTS, parsePortList } from '../../connector/config.js';
import { tableLookup, TestEnvoi } from '../support/harness.js';

const C = '/api/v1/scopes/platform/connections';

describe('network policy: the defaults refuse private hosts and other ports', () => {
  let envoi: TestEnvoi;
  const lookup = tableLookup({
    'evil.example': ['127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.216.34', '10.0.0.5'],
    'public.example': ['93.184.216.34'],
    'rebind.example': ['93.184.216.34'],
  });

  before(async () => {
    envoi = await new TestEnvoi({ lookup, overrides: { allowPrivateHosts: false, allowedPorts: parsePortList(DEFAULT_PORTS) } }).start();
  });
  after(() => envoi.stop());

  const create = (host: string, port = 587) => envoi.api('POST', C, { name: `to ${host}:${port}`, senderEmail: 'a@envoi.test', host, port, authMethod: 'NONE' });

  for (const host of ['127.0.0.1', 'localhost', '10.1.2.3', '192.168.1.10', '172.16.0.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', '0.0.0.0', 'evil.example', 'metadata.example', 'mixed.example']) {
    it(`refuses ${host}`, async () => {
      const r = await create(host);
      expect(r.status, r.text).to.equal(400);
      expect(r.body.error.code).to.equal('HOST_NOT_ALLOWED');
      expect(r.body.error.hint).to.match(/ENVOI_ALLOW_PRIVATE_HOSTS/);
      expect(r.body.error.details[0].path).to.equal('/host');
    });
  }

  for (const port of [26, 2526, 8025, 80]) {
    it(`refuses port ${port} outside ${DEFAULT_PORTS}`, async () => {
      const r = await create('public.example', port);
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('PORT_NOT_ALLOWED');
      expect(r.body.error.hint).to.match(/ENVOI_ALLOWED_PORTS/);
    });
  }

  it('accepts a public host on each listed port', async () => {
    for (const port of [25, 465, 587, 2525]) {
      const r = await create('public.example', port);
      expect(r.status, r.text).to.equal(201);
    }
  });

  it('refuses an unsaved test towards a name that resolves to loopback', async () => {
    const r = await envoi.api('POST', `${C}/test`, { name: 'x', senderEmail: 'a@envoi.test', host: 'evil.example', port: 587, authMethod: 'NONE' });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('HOST_NOT_ALLOWED');
  });

  it('vets the address again at connect time, so DNS cannot be switched to loopback after saving', async () => {
    const saved = await create('rebind.example', 2525);
    expect(saved.status).to.equal(201);
    lookup.table['rebind.example'] = ['127.0.0.1'];
    const test = await envoi.api('POST', `${C}/${saved.body.id}/test`);
    expect(test.status).to.equal(400);
    expect(test.body.error.code).to.equal('HOST_NOT_ALLOWED');
    const mail = await envoi.api('POST', `${C}/${saved.body.id}/test-email`, { to: 'x@customer.test' });
    expect(mail.status).to.equal(400);
    expect(mail.body.error.code).to.equal('HOST_NOT_ALLOWED');
  });
});
