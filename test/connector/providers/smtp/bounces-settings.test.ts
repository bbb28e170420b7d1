import { expect } from 'chai';
import { tableLookup, TestEnvoi } from '../../../support/harness.js';
import { parsePortList } from '../../../../connector/config.js';

const C = '/api/v1/scopes/bounce-settings/connections';
const PASSWORD = 'mailbox-password-9f3k';
/** Public addresses for made-up names: saving resolves and vets hosts, it never connects. */
const lookup = tableLookup({ 'smtp.example.com': ['93.184.216.34'], 'imap.example.com': ['93.184.216.35'], 'imap.attacker.example': ['93.184.216.36'], 'intranet.example.com': ['10.0.0.7'] });
const smtp = (extra: Record<string, unknown> = {}) => ({ name: `bounces ${Math.random().toString(36).slice(2, 8)}`, senderEmail: 'app@example.com', host: 'smtp.example.com', port: 587, authMethod: 'NONE', ...extra });
const mailbox = (extra: Record<string, unknown> = {}) => ({ host: 'imap.example.com', user: 'bounces@example.com', ...extra });

describe('SMTP bounce settings: the bounce mailbox password is write-only, bound to its mailbox, and the mailbox host is vetted', function () {
  let envoi: TestEnvoi;
  const api = (method: string, path: string, body?: unknown) => envoi.api(method, path, body);

  before(async () => {
    // Production's policy: no private hosts, SMTP ports only (IMAP's 143 and 993 are allowed for the mailbox).
    envoi = await new TestEnvoi({ lookup, overrides: { allowPrivateHosts: false, allowedPorts: parsePortList('25,465,587,2525') } }).start();
  });
  after(() => envoi?.stop());

  it('saves with defaults (port 143 with STARTTLS, folder INBOX) and shows hasBounceMailboxPassword, never the password', async () => {
    const r = await api('POST', C, smtp({ bounceAddress: 'bounces@example.com', bounceMailbox: mailbox({ password: PASSWORD }) }));
    expect(r.status, r.text).to.equal(201);
    expect(r.body.bounceMailbox).to.deep.equal({ host: 'imap.example.com', port: 143, secure: false, user: 'bounces@example.com', folder: 'INBOX' });
    expect(r.body).to.include({ bounceAddress: 'bounces@example.com', hasBounceMailboxPassword: true });
    const shown = [r.text, (await api('GET', `${C}/${r.body.id}`)).text, (await api('GET', C)).text];
    for (const text of shown) expect(text).not.to.include(PASSWORD);
    const secure = await api('POST', C, smtp({ bounceMailbox: mailbox({ secure: true, password: PASSWORD }) }));
    expect(secure.body.bounceMailbox).to.include({ port: 993, secure: true });
  });

  it('a bounce mailbox without its password is SECRET_REQUIRED', async () => {
    const r = await api('POST', C, smtp({ bounceMailbox: mailbox() }));
    expect(r.status).to.equal(400);
    expect(r.body.error).to.include({ code: 'SECRET_REQUIRED' });
    expect(r.body.error.details).to.deep.equal([{ path: '/bounceMailbox/password', message: 'is required' }]);
  });

  it('moving the mailbox to another host or user needs the password again; other edits keep it; dropping the mailbox drops it', async () => {
    const created = await api('POST', C, smtp({ bounceMailbox: mailbox({ password: PASSWORD }) }));
    const id = created.body.id as string;
    for (const moved of [mailbox({ host: 'imap.attacker.example' }), mailbox({ user: 'someone-else@example.com' }), mailbox({ secure: true })]) {
      const r = await api('PATCH', `${C}/${id}`, { bounceMailbox: moved });
      expect(r.status, JSON.stringify(moved)).to.equal(400);
      expect(r.body.error).to.include({ code: 'SECRET_REQUIRED' });
      expect(r.body.error.message).to.match(/bounce mailbox password/);
    }
    const renamed = await api('PATCH', `${C}/${id}`, { senderName: 'Renamed', bounceMailbox: mailbox({ folder: 'Bounces' }) });
    expect(renamed.status, renamed.text).to.equal(200);
    expect(renamed.body).to.include({ senderName: 'Renamed', hasBounceMailboxPassword: true });
    const withPassword = await api('PATCH', `${C}/${id}`, { bounceMailbox: mailbox({ host: 'imap.attacker.example', password: 'another-one' }) });
    expect(withPassword.status, withPassword.text).to.equal(200);
    expect(withPassword.text).not.to.include('another-one');
    const dropped = await api('PATCH', `${C}/${id}`, { bounceMailbox: null });
    expect(dropped.status, dropped.text).to.equal(200);
    expect(dropped.body.bounceMailbox).to.equal(undefined);
    expect(dropped.body.hasBounceMailboxPassword).to.equal(undefined);
    expect(await envoi.server.envoi.db.knex('connection_secrets').where({ connection_id: id, field: 'bounceMailboxPassword' })).to.have.length(0);
  });

  it('the mailbox host and port pass the network policy like the SMTP host: no private address, IMAP ports or ENVOI_ALLOWED_PORTS', async () => {
    const priv = await api('POST', C, smtp({ bounceMailbox: mailbox({ host: 'intranet.example.com', password: PASSWORD }) }));
    expect(priv.status).to.equal(400);
    expect(priv.body.error).to.include({ code: 'HOST_NOT_ALLOWED' });
    expect(priv.body.error.details[0].path).to.equal('/bounceMailbox/host');
    const literal = await api('POST', C, smtp({ bounceMailbox: mailbox({ host: '127.0.0.1', password: PASSWORD }) }));
    expect(literal.body.error).to.include({ code: 'HOST_NOT_ALLOWED' });
    const port = await api('POST', C, smtp({ bounceMailbox: mailbox({ port: 8143, password: PASSWORD }) }));
    expect(port.status).to.equal(400);
    expect(port.body.error).to.include({ code: 'PORT_NOT_ALLOWED' });
    expect(port.body.error.details[0].path).to.equal('/bounceMailbox/port');
    expect(port.text).not.to.include(PASSWORD);
  });

  it('a bounce address whose local part leaves no room for the VERP token is refused', async () => {
    const r = await api('POST', C, smtp({ bounceAddress: `${'b'.repeat(41)}@example.com` }));
    expect(r.status).to.equal(400);
    expect(r.body.error).to.include({ code: 'VALIDATION_FAILED' });
    expect(r.body.error.details[0].path).to.equal('/bounceAddress');
  });
});
