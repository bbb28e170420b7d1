import { expect } from 'chai';
import { TestEnvoi } from '../../../support/harness.js';
import { SesStandIn, type SesKey } from '../../../support/standins/ses.js';

const C = '/api/v1/scopes/platform/connections';

/** Creating and testing Amazon SES connections, against a stand-in that checks SigV4 as AWS does. */
describe('Amazon SES connections: the test proves the key with GetAccount', () => {
  let ses: SesStandIn;
  let envoi: TestEnvoi;
  let key: SesKey;
  const seen: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await envoi.api(method, p, body);
    seen.push(r.text);
    return r;
  };
  const conn = (k: SesKey, extra: Record<string, unknown> = {}) => ({
    name: `ses-${k.user}`, provider: 'ses', senderEmail: 'app@example.com', senderName: 'Example',
    region: 'eu-west-1', accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, ...extra,
  });
  const reset = () => Object.assign(ses.account, { sendingEnabled: true, productionAccess: true, enforcementStatus: 'HEALTHY', quota: { max24HourSend: 50_000, maxSendRate: 14, sentLast24Hours: 0 } });

  before(async () => {
    ses = await new SesStandIn('eu-west-1').start();
    ses.account.identities.push('example.com');
    key = ses.addKey();
    envoi = await new TestEnvoi({ overrides: { sesUrl: ses.url } }).start();
  });
  afterEach(reset);
  after(async () => {
    await envoi.stop();
    await ses.stop();
  });

  it('a good configuration tests ok at stage done, with the sandbox flag and the send quota in details', async () => {
    const created = await api('POST', C, { ...conn(key), configurationSet: 'transactional' });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ provider: 'ses', region: 'eu-west-1', accessKeyId: key.accessKeyId, configurationSet: 'transactional', hasSecret: true });
    const t = await api('POST', `${C}/${created.body.id}/test`);
    expect(t.body, t.text).to.include({ ok: true, stage: 'done' });
    expect(t.body.details).to.deep.equal({ sandbox: false, quota: { max24HourSend: 50_000, maxSendRate: 14, sentLast24Hours: 0 }, enforcementStatus: 'HEALTHY' });
    expect(t.body.message).to.match(/sending is enabled: 0 of 50000 messages sent in the last 24 hours, up to 14 a second/);
    expect(t.body.warnings ?? []).to.deep.equal([]);
    const get = ses.to('/v2/email/account').at(-1)!;
    expect(get.method).to.equal('GET');
    expect(get.headers.authorization).to.match(new RegExp(`^AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/\\d{8}/eu-west-1/ses/aws4_request, SignedHeaders=`));
  });

  it('an account in the sandbox tests ok with a warning saying only verified recipients get mail, and how to leave it', async () => {
    Object.assign(ses.account, { productionAccess: false, quota: { max24HourSend: 200, maxSendRate: 1, sentLast24Hours: 3 } });
    const t = await api('POST', `${C}/test`, conn(key, { rateLimit: { messages: 10, perSeconds: 1 } }));
    expect(t.body, t.text).to.include({ ok: true, stage: 'done' });
    expect(t.body.details).to.deep.include({ sandbox: true, quota: { max24HourSend: 200, maxSendRate: 1, sentLast24Hours: 3 } });
    const codes = t.body.warnings.map((w: { code: string }) => w.code);
    expect(codes).to.deep.equal(['SES_SANDBOX', 'SES_RATE_ABOVE_QUOTA']);
    expect(t.body.warnings[0].message).to.match(/sandbox in eu-west-1: only verified addresses and domains get mail, at most 200 messages a day and 1 a second/);
    expect(t.body.warnings[0].hint).to.match(/Account dashboard → Request production access/);
    expect(t.body.warnings[1].message).to.match(/above SES's maximum send rate for the account \(1 a second\)/);
  });

  it('a wrong secret is AUTH_FAILED at stage auth (SignatureDoesNotMatch), naming IAM; the secret is never echoed', async () => {
    const wrongSecret = `${key.secretAccessKey.slice(0, -4)}AAAA`;
    const t = await api('POST', `${C}/test`, conn(key, { secretAccessKey: wrongSecret }));
    expect(t.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 403 });
    expect(t.body.message).to.match(/Amazon SES refused the credential \(403 SignatureDoesNotMatch\): The request signature we calculated does not match/);
    expect(t.body.hint).to.match(/^In the AWS console, IAM → Users → Security credentials: check the access key id and secret/);
    expect(t.text).not.to.include(wrongSecret);
    const unknown = await api('POST', `${C}/test`, conn({ ...key, accessKeyId: 'AKIAUNKNOWNKEY000000' }));
    expect(unknown.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED' });
    expect(unknown.body.message).to.match(/UnrecognizedClientException\): The security token included in the request is invalid/);
  });

  it('a key whose user may not call SES is PERMISSION_MISSING at stage auth, naming the actions to allow', async () => {
    const limited = ses.addKey(['ses:SendRawEmail']);
    const t = await api('POST', `${C}/test`, conn(limited));
    expect(t.body).to.include({ ok: false, stage: 'auth', code: 'PERMISSION_MISSING', responseCode: 403 });
    expect(t.body.message).to.match(/AccessDeniedException\): User: arn:aws:iam::\d+:user\/envoi-\d+ is not authorized to perform: ses:GetAccount/);
    expect(t.body.hint).to.match(/IAM → Users → Permissions: allow ses:SendRawEmail, ses:SendEmail and ses:GetAccount/);
  });

  it('an account whose sending is paused does not test ok: the key works, the account may not send', async () => {
    Object.assign(ses.account, { sendingEnabled: false, enforcementStatus: 'SHUTDOWN' });
    const t = await api('POST', `${C}/test`, conn(key));
    expect(t.body).to.include({ ok: false, stage: 'send', code: 'PERMISSION_MISSING' });
    expect(t.body.message).to.match(/sending is paused for this account \(enforcement status SHUTDOWN\)/);
    expect(t.body.hint).to.match(/Amazon SES console \(eu-west-1\), Account dashboard/);
  });

  it('an SES endpoint that cannot be reached is CONNECTION_REFUSED, not a credential failure', async () => {
    const down = await new SesStandIn().start();
    const url = down.url;
    await down.stop();
    const other = await new TestEnvoi({ overrides: { sesUrl: url } }).start();
    try {
      const t = await other.api('POST', `${C}/test`, conn(key));
      expect(t.body).to.include({ ok: false, code: 'CONNECTION_REFUSED' });
      expect(t.body.message).to.match(/Amazon SES could not be reached \(ECONNREFUSED\)/);
    } finally {
      await other.stop();
    }
  });

  it('validates the region, the access key id and the configuration set; the secret is write-only and bound to region and key', async () => {
    const bad = await api('POST', C, conn(key, { region: 'Europe', accessKeyId: 'ASIA-temporary', configurationSet: 'has space' }));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['/region', '/accessKeyId', '/configurationSet']);
    const created = await api('POST', C, conn(key, { name: 'bound' }));
    const moved = await api('PATCH', `${C}/${created.body.id}`, { region: 'us-east-1' });
    expect(moved.status, moved.text).to.equal(400);
    expect(moved.body.error.code).to.equal('SECRET_REQUIRED');
    expect(moved.body.error.message).to.match(/region/);
  });

  it('the secret access key never appears in a response or a log line', () => {
    for (const text of seen) expect(text).not.to.include(key.secretAccessKey);
    for (const line of envoi.logs) expect(line).not.to.include(key.secretAccessKey);
  });
});
