import { expect } from 'chai';
import { TestEnvoi } from '../../../support/harness.js';
import { GoogleStandIn, type ServiceAccount } from '../../../support/standins/google.js';

const C = '/api/v1/scopes/platform/connections';
const SENDER = 'ops@contoso.test';

describe('Google Workspace connections: the key checked on save, the test proving delegation (against a local stand-in)', () => {
  let google: GoogleStandIn;
  let envoi: TestEnvoi;
  let account: ServiceAccount;
  const keys: string[] = [];
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const conn = (a: ServiceAccount, extra: Record<string, unknown> = {}) => ({ name: `g-${Math.random().toString(36).slice(2, 8)}`, provider: 'google', senderEmail: SENDER, senderName: 'Contoso Ops', serviceAccountKey: a.key, ...extra });
  const add = (opts?: { delegated?: boolean }) => {
    const a = google.addServiceAccount(opts);
    keys.push(a.key.private_key!);
    return a;
  };

  before(async () => {
    google = await new GoogleStandIn().start();
    google.users.add(SENDER);
    account = add();
    envoi = await new TestEnvoi({ overrides: { googleTokenUrl: google.tokenUrl, gmailApiUrl: google.url } }).start();
  });
  after(async () => {
    await envoi.stop();
    await google.close();
  });

  it('a key that is not a service account key is refused on save with where to get one, never echoed', async () => {
    const notJson = await api('POST', C, conn(account, { serviceAccountKey: `{"type":"service_account","private_key":"${account.key.private_key!.slice(0, 200)}` }));
    expect(notJson.status, notJson.text).to.equal(400);
    expect(notJson.body.error).to.include({ code: 'VALIDATION_FAILED', hint: 'In the Google Cloud console, IAM & Admin → Service accounts → Keys → Add key → JSON; paste the whole file.' });
    expect(notJson.body.error.details).to.deep.equal([{ path: '/serviceAccountKey', message: 'it is not JSON (paste the whole key file, braces included)' }]);
    const oauthClient = await api('POST', C, conn(account, { serviceAccountKey: { ...account.key, type: 'authorized_user' } }));
    expect(oauthClient.status).to.equal(400);
    expect(oauthClient.body.error.message).to.match(/"type" is not "service_account"/);
    const badPem = await api('POST', `${C}/test`, conn(account, { serviceAccountKey: { ...account.key, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' } }));
    expect(badPem.status, 'a test of an unsaved configuration checks it too').to.equal(400);
    expect(badPem.body.error.details[0].message).to.match(/"private_key" is not an RSA private key/);
    const huge = await api('POST', C, conn(account, { serviceAccountKey: 'x'.repeat(20_000) }));
    expect(huge.status).to.equal(400);
    expect(huge.body.error.code).to.equal('VALIDATION_FAILED');
    expect((await api('GET', C)).body.items.filter((c: { provider: string }) => c.provider === 'google')).to.deep.equal([]);
  });

  it('a good key, as an object or as the file\'s text, saves and tests ok: Google issued a gmail.send token for the sender', async () => {
    const created = await api('POST', C, conn(account, { name: 'Contoso Workspace' }));
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ provider: 'google', hasSecret: true, senderEmail: SENDER });
    expect(created.body).not.to.have.property('serviceAccountKey');
    const before = google.tokenRequests;
    const test = await api('POST', `${C}/${created.body.id}/test`);
    expect(test.body, test.text).to.include({ ok: true, stage: 'auth' });
    expect(test.body.message).to.include(SENDER).and.include(account.clientEmail);
    expect(google.tokenRequests - before).to.equal(1);
    const claims = google.assertions.at(-1)!;
    expect(claims).to.deep.include({ iss: account.clientEmail, sub: SENDER, aud: google.tokenUrl, scope: 'https://www.googleapis.com/auth/gmail.send' });
    expect(Number(claims.exp) - Number(claims.iat)).to.equal(3600);
    expect(claims.header).to.deep.include({ alg: 'RS256', kid: account.key.private_key_id });
    const asText = await api('POST', C, conn(account, { serviceAccountKey: JSON.stringify(account.key, null, 2) }));
    expect(asText.status, asText.text).to.equal(201);
    expect((await api('POST', `${C}/${asText.body.id}/test`)).body).to.include({ ok: true });
  });

  it('no domain-wide delegation is PERMISSION_MISSING, with the client id and the scope to paste', async () => {
    const undelegated = add({ delegated: false });
    const r = await api('POST', `${C}/test`, conn(undelegated));
    expect(r.body, r.text).to.include({ ok: false, stage: 'auth', code: 'PERMISSION_MISSING', responseCode: 401 });
    expect(r.body.message).to.include('unauthorized_client');
    expect(r.body.hint).to.include('Admin console, Security → Access and data control → API controls → Domain-wide delegation → Add new')
      .and.include(`client ID ${undelegated.clientId}`).and.include('https://www.googleapis.com/auth/gmail.send');
  });

  it('an unknown user is AUTH_FAILED naming the sender; a deleted or wrong key is AUTH_FAILED saying so', async () => {
    const user = await api('POST', `${C}/test`, conn(account, { senderEmail: 'nobody@contoso.test' }));
    expect(user.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED' });
    expect(user.body.message).to.include('nobody@contoso.test').and.include('Invalid email or User ID');
    const other = add();
    const wrong = await api('POST', `${C}/test`, conn(account, { serviceAccountKey: { ...account.key, private_key: other.key.private_key } }));
    expect(wrong.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED' });
    expect(wrong.body.message).to.match(/the key was deleted or is wrong.*Invalid JWT Signature/);
    google.accounts.delete(other.clientEmail);
    const deleted = await api('POST', `${C}/test`, conn(other));
    expect(deleted.body).to.include({ ok: false, code: 'AUTH_FAILED' });
    expect(deleted.body.message).to.match(/the key was deleted or is wrong.*account not found/);
  });

  it('the stored key is bound to the sender: changing it asks for the key again, other edits keep it', async () => {
    const created = (await api('POST', C, conn(account))).body;
    const renamed = await api('PATCH', `${C}/${created.id}`, { name: `${created.name}-2`, senderName: 'Ops' });
    expect(renamed.status, renamed.text).to.equal(200);
    expect((await api('POST', `${C}/${created.id}/test`)).body).to.include({ ok: true });
    const moved = await api('PATCH', `${C}/${created.id}`, { senderEmail: 'ceo@contoso.test' });
    expect(moved.status).to.equal(400);
    expect(moved.body.error.code).to.equal('SECRET_REQUIRED');
    expect(moved.body.error.message).to.include('service account key').and.include('sender email');
  });

  it('the preset says what the domain and the project need', async () => {
    const presets = (await api('GET', '/api/v1/presets')).body.items as Array<{ id: string; provider: string; label: string; note: string; suggestedRateLimit: { messages: number; perSeconds: number } }>;
    const p = presets.find((x) => x.provider === 'google')!;
    expect(p).to.include({ id: 'google-workspace', label: 'Google Workspace (Gmail API)' });
    expect(p.note).to.include('Domain-wide delegation').and.include('https://www.googleapis.com/auth/gmail.send').and.include('Gmail API');
    expect(p.suggestedRateLimit).to.include({ messages: 2000, perSeconds: 86400 });
  });

  it('no private key appears in a response, a log line or the data directory', async () => {
    const lines = (k: string) => k.split('\n').filter((l) => l.length > 20);
    for (const k of keys) {
      for (const text of seen) for (const l of lines(k)) expect(text).not.to.include(l);
      for (const line of envoi.logs) for (const l of lines(k)) expect(line).not.to.include(l);
    }
    await envoi.server.envoi.db.knex.raw('PRAGMA wal_checkpoint(FULL)');
    for (const f of envoi.dataFiles()) for (const l of lines(keys[0]!)) expect(f.bytes.includes(Buffer.from(l)), f.file).to.equal(false);
  });
});
