import crypto from 'node:crypto';
import { expect } from 'chai';
import { GetAccountCommand, SendEmailCommand, SESv2Client, type SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { SesStandIn } from '../../../support/standins/ses.js';

/**
 * The SES stand-in speaks SES's wire format: the official SDK (@aws-sdk/client-sesv2) signs its
 * requests, reads its answers and its errors, and is refused exactly where AWS refuses it.
 */
describe('the Amazon SES stand-in, checked with the official AWS SDK', () => {
  let ses: SesStandIn;
  before(async () => {
    ses = await new SesStandIn('eu-west-1').start();
    ses.account.identities.push('example.com');
  });
  after(() => ses.stop());

  const client = (accessKeyId: string, secretAccessKey: string, region = 'eu-west-1') =>
    new SESv2Client({ region, endpoint: ses.url, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  const failureOf = async (p: Promise<unknown>): Promise<SESv2ServiceException> => {
    try {
      await p;
    } catch (err) {
      return err as SESv2ServiceException;
    }
    throw new Error('expected a failure');
  };
  const raw = (to: string) => Buffer.from(`From: App <app@example.com>\r\nTo: ${to}\r\nSubject: hi\r\nMessage-ID: <m1@example.com>\r\n\r\nHello\r\n`);

  it('GetAccount and SendEmail signed by the SDK are accepted and read back into its types', async () => {
    const k = ses.addKey();
    const c = client(k.accessKeyId, k.secretAccessKey);
    const account = await c.send(new GetAccountCommand({}));
    expect(account).to.include({ SendingEnabled: true, ProductionAccessEnabled: true, EnforcementStatus: 'HEALTHY' });
    expect(account.SendQuota).to.deep.equal({ Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 });
    const sent = await c.send(new SendEmailCommand({ FromEmailAddress: 'app@example.com', Destination: { ToAddresses: ['a@customer.test', 'hidden@customer.test'] }, Content: { Raw: { Data: raw('a@customer.test') } } }));
    expect(sent.MessageId).to.equal(ses.sends.at(-1)!.messageId);
    expect(ses.sends.at(-1)!.recipients).to.deep.equal(['a@customer.test', 'hidden@customer.test']);
    expect(ses.sends.at(-1)!.parsed.subject).to.equal('hi');
    c.destroy();
  });

  it('refuses a wrong secret (SignatureDoesNotMatch), an unknown key (UnrecognizedClientException) and a wrong region, all 403', async () => {
    const k = ses.addKey();
    const wrong = await failureOf(client(k.accessKeyId, 'not-the-secret').send(new GetAccountCommand({})));
    expect(wrong.name).to.equal('SignatureDoesNotMatch');
    expect(wrong.$metadata.httpStatusCode).to.equal(403);
    expect(wrong.message).to.match(/^The request signature we calculated does not match/);
    const unknown = await failureOf(client('AKIAUNKNOWNUNKNOWN00', k.secretAccessKey).send(new GetAccountCommand({})));
    expect(unknown.name).to.equal('UnrecognizedClientException');
    expect(unknown.$metadata.httpStatusCode).to.equal(403);
    const region = await failureOf(client(k.accessKeyId, k.secretAccessKey, 'us-east-1').send(new GetAccountCommand({})));
    expect(region.name).to.equal('SignatureDoesNotMatch');
    expect(region.message).to.match(/scoped to a valid region/);
  });

  it('a signed request whose body was changed afterwards is refused', async () => {
    const k = ses.addKey();
    const c = client(k.accessKeyId, k.secretAccessKey);
    await c.send(new SendEmailCommand({ FromEmailAddress: 'app@example.com', Destination: { ToAddresses: ['a@customer.test'] }, Content: { Raw: { Data: raw('a@customer.test') } } }));
    const signed = ses.requests.at(-1)!;
    const tampered = Buffer.from(signed.body.toString('utf8').replace('a@customer.test', 'b@customer.test'));
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([n]) => !['content-length', 'connection', 'transfer-encoding'].includes(n))) as Record<string, string>;
    // The payload hash header is signed too: changing it with the body cannot help.
    const hash = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
    const res = await fetch(`${ses.url}/v2/email/outbound-emails`, { method: 'POST', headers: { ...headers, ...(headers['x-amz-content-sha256'] ? { 'x-amz-content-sha256': hash(tampered) } : {}) }, body: new Uint8Array(tampered) });
    expect(res.status).to.equal(403);
    expect(res.headers.get('x-amzn-errortype')).to.match(/^SignatureDoesNotMatch:/);
    const replay = await fetch(`${ses.url}/v2/email/outbound-emails`, { method: 'POST', headers, body: new Uint8Array(signed.body) });
    expect(replay.status, 'the untouched request still passes').to.equal(200);
    c.destroy();
  });

  it('answers SES errors the SDK reads into its modelled exceptions, with status and headers', async () => {
    const k = ses.addKey(['ses:GetAccount']);
    const c = client(k.accessKeyId, k.secretAccessKey);
    const send = () => c.send(new SendEmailCommand({ FromEmailAddress: 'app@example.com', Destination: { ToAddresses: ['a@customer.test'] }, Content: { Raw: { Data: raw('a@customer.test') } } }));
    const denied = await failureOf(send());
    expect(denied.name).to.equal('AccessDeniedException');
    expect(denied.message).to.match(/not authorized to perform: ses:SendRawEmail/);
    k.actions.push('ses:SendRawEmail');
    ses.queue(SesStandIn.throttled(2), SesStandIn.error(400, 'MessageRejected', 'Email address is not verified.'), SesStandIn.error(400, 'SendingPausedException', 'Sending is paused.'));
    const throttled = await failureOf(send());
    expect(throttled.name).to.equal('TooManyRequestsException');
    expect(throttled.$metadata.httpStatusCode).to.equal(429);
    expect((throttled.$response as { headers: Record<string, string> }).headers['retry-after']).to.equal('2');
    const rejected = await failureOf(send());
    expect(rejected.name).to.equal('MessageRejected');
    expect(rejected.message).to.equal('Email address is not verified.');
    expect((await failureOf(send())).name).to.equal('SendingPausedException');
    c.destroy();
  });
});
