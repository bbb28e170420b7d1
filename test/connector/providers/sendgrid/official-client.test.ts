import { expect } from 'chai';
import sendgridClient from '@sendgrid/client';
import sendgridMail from '@sendgrid/mail';
import { SendGridStandin } from '../../../support/standins/sendgrid.js';

// Both packages export a ready instance (typed as such) and, beside it, their class.
const { Client } = sendgridClient as unknown as { Client: new () => typeof sendgridClient };
const { MailService } = sendgridMail as unknown as { MailService: new () => typeof sendgridMail };

/**
 * The stand-in speaks SendGrid's wire format: SendGrid's own Node.js library (@sendgrid/mail over
 * @sendgrid/client), pointed at it with setDefaultRequest('baseUrl'), sends through it and reads
 * its answers, and a wrong key is refused to it as SendGrid refuses one.
 */
describe('the SendGrid stand-in, checked with SendGrid\'s official Node.js library', () => {
  let sg: SendGridStandin;
  const clientFor = (key: string) => {
    const client = new Client();
    client.setApiKey(key);
    // setApiKey resets the base URL to SendGrid's; point it at the stand-in afterwards.
    client.setDefaultRequest('baseUrl', sg.url);
    return client;
  };
  const mailerFor = (key: string) => {
    const mail = new MailService();
    mail.setClient(clientFor(key));
    return mail;
  };

  before(async () => {
    sg = await new SendGridStandin().start();
  });
  after(() => sg.stop());

  it('@sendgrid/mail sends html, text, Cc, Bcc, an inline image and headers; the answer is 202 with X-Message-Id', async () => {
    // content_id as SendGrid's docs write it: the typed `contentId` goes out unconverted (8.1.6).
    const logo = { content: Buffer.from('png').toString('base64'), filename: 'logo.png', type: 'image/png', disposition: 'inline', content_id: 'logo' };
    const [res] = await mailerFor(sg.addKey()).send({
      to: { email: 'ada@customer.test', name: 'Ada' },
      cc: 'cc@customer.test',
      bcc: 'hidden@customer.test',
      from: { email: 'news@acme.test', name: 'Acme' },
      replyTo: 'help@acme.test',
      subject: 'From the official library',
      html: '<p>Hi <img src="cid:logo"></p>',
      text: 'Hi',
      attachments: [logo],
      headers: { 'X-Campaign': 'sdk' },
    });
    expect(res.statusCode).to.equal(202);
    const got = sg.mails.at(-1)!;
    expect(res.headers['x-message-id']).to.equal(got.messageId);
    expect(got.body.personalizations![0]).to.deep.include({ to: [{ email: 'ada@customer.test', name: 'Ada' }], cc: [{ email: 'cc@customer.test' }], bcc: [{ email: 'hidden@customer.test' }] });
    expect(got.body.content!.map((c) => c.type)).to.deep.equal(['text/plain', 'text/html']);
    expect(got.body.attachments![0]).to.include({ disposition: 'inline', content_id: 'logo' });
  });

  it('a wrong key is refused with SendGrid\'s 401 body; a key without Mail Send gets 403 "access forbidden"', async () => {
    const refused = async (key: string) => {
      try {
        await mailerFor(key).send({ to: 'a@customer.test', from: 'news@acme.test', subject: 's', text: 'x' });
      } catch (err) {
        return err as { code: number; response: { body: { errors: Array<{ message: string }> } } };
      }
      throw new Error('the send was accepted');
    };
    const wrong = await refused('SG.wrong.key');
    expect(wrong.code).to.equal(401);
    expect(wrong.response.body.errors[0]!.message).to.equal('The provided authorization grant is invalid, expired, or revoked');
    const readOnly = await refused(sg.addKey(['alerts.read']));
    expect(readOnly.code).to.equal(403);
    expect(readOnly.response.body.errors[0]!.message).to.equal('access forbidden');
  });

  it('@sendgrid/client reads a key\'s scopes from GET /v3/scopes', async () => {
    const [res, body] = await clientFor(sg.addKey(['mail.send', 'stats.read'])).request({ method: 'GET', url: '/v3/scopes' });
    expect(res.statusCode).to.equal(200);
    expect(body).to.deep.equal({ scopes: ['mail.send', 'stats.read'] });
  });

  it('the stand-in refuses what SendGrid refuses: html before text, a ";" in a type, an address twice in a personalization', async () => {
    const client = clientFor(sg.addKey());
    const base = { personalizations: [{ to: [{ email: 'a@customer.test' }] }], from: { email: 'news@acme.test' }, subject: 's' };
    const said = async (body: Record<string, unknown>) => {
      try {
        await client.request({ method: 'POST', url: '/v3/mail/send', body: { ...base, ...body } });
      } catch (err) {
        return (err as { response: { body: { errors: Array<{ message: string; field: string }> } } }).response.body.errors[0]!;
      }
      throw new Error('accepted');
    };
    expect((await said({ content: [{ type: 'text/html', value: '<p>x</p>' }, { type: 'text/plain', value: 'x' }] })).field).to.equal('content');
    expect((await said({ content: [{ type: 'text/plain', value: 'x' }], attachments: [{ content: 'eA==', filename: 'i.ics', type: 'text/calendar; method=REQUEST' }] })).message).to.equal('The attachment type cannot contain \';\', or CRLF characters.');
    expect((await said({ personalizations: [{ to: [{ email: 'a@customer.test' }], bcc: [{ email: 'A@customer.test' }] }], content: [{ type: 'text/plain', value: 'x' }] })).field).to.equal('personalizations.0');
  });
});
