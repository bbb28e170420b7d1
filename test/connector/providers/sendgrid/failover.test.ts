import { expect } from 'chai';
import { smtpConnection, TestEnvoi } from '../../../support/harness.js';
import { closedPort } from '../../../support/smtp-sink.js';
import { SendGridStandin } from '../../../support/standins/sendgrid.js';
import { pollFor } from '../../../support/wait.js';

const S = '/api/v1/scopes/failover-sg';

describe('failover from a failing SMTP connection to SendGrid (design.md "Failover")', () => {
  let sg: SendGridStandin;
  let envoi: TestEnvoi;

  before(async () => {
    sg = await new SendGridStandin().start();
    envoi = await new TestEnvoi({ overrides: { sendgridUrl: sg.url, retryBaseMs: 100, pollMs: 50, maxAttempts: 4 } }).start();
  });
  after(async () => {
    await envoi.stop();
    await sg.stop();
  });

  it('an SMTP primary that refuses connections hands the mail to its SendGrid fallback, which carries it', async () => {
    const fallback = await envoi.api('POST', `${S}/connections`, { name: 'SendGrid API', provider: 'sendgrid', senderEmail: 'ops@acme.test', apiKey: sg.addKey() });
    expect(fallback.status, fallback.text).to.equal(201);
    const primary = await envoi.api('POST', `${S}/connections`, smtpConnection({ host: '127.0.0.1', port: await closedPort() }, { name: 'dead relay', authMethod: 'NONE', senderEmail: 'ops@acme.test', fallback: 'SendGrid API' }));
    expect(primary.status, primary.text).to.equal(201);
    const r = await envoi.api('POST', `${S}/actions/send-email/execute`, { input: { to: 'ada@customer.test', subject: 'carried by SendGrid', text: 'x', connection: primary.body.id } });
    expect(r.status, r.text).to.equal(202);
    const id = r.body.deliveryId as string;
    const d = await pollFor(async () => (await envoi.api('GET', `${S}/deliveries/${id}`)).body, (x) => ['sent', 'failed'].includes(x.status), (x) => `still ${x.status}`, 15_000);
    expect(d.status, JSON.stringify(d)).to.equal('sent');
    expect(d.attemptLog).to.have.length(2);
    expect(d.attemptLog[0]).to.deep.include({ outcome: 'retry', code: 'CONNECTION_REFUSED', connection: { id: primary.body.id, name: 'dead relay' } });
    expect(d.attemptLog[1]).to.deep.include({ outcome: 'sent', connection: { id: fallback.body.id, name: 'SendGrid API' } });
    const mail = sg.mails.find((m) => m.body.subject === 'carried by SendGrid');
    expect(mail, 'SendGrid received the mail').not.to.equal(undefined);
    expect(mail!.body.personalizations![0]!.to).to.deep.equal([{ email: 'ada@customer.test' }]);
    expect(d.attemptLog[1].providerMessageId).to.equal(mail!.messageId);
    expect(envoi.logs.some((l) => l.includes('connection failover') && l.includes(id)), 'the failover is logged').to.equal(true);
  });
});
