import { expect } from 'chai';
import Mailgun from 'mailgun.js';
import { composeMessage } from '../../../../connector/delivery/compose.js';
import { MailgunStandin } from '../../../support/standins/mailgun.js';

/**
 * The stand-in speaks Mailgun's wire format: Mailgun's own Node.js library (mailgun.js), pointed
 * at it with its `url` option, sends a MIME message through messages.mime, reads a domain, and
 * a wrong key is refused to it as Mailgun refuses one.
 */
describe('the Mailgun stand-in, checked with Mailgun\'s official mailgun.js', () => {
  let mg: MailgunStandin;
  const DOMAIN = 'mg.acme.test';
  const clientFor = (key: string) => new Mailgun(FormData).client({ username: 'api', key, url: mg.url });

  before(async () => {
    mg = await new MailgunStandin().start();
    mg.addDomain(DOMAIN);
  });
  after(() => mg.stop());

  it('messages.create(domain, {to, message}) goes to messages.mime; the answer carries the id in angle brackets', async () => {
    const m = await composeMessage('d-sdk', { from: `news@${DOMAIN}`, to: 'ada@customer.test', subject: 'From mailgun.js', text: 'Hi', html: '<p>Hi</p>' }, 1_000_000);
    const res = await clientFor(mg.addPrivateKey()).messages.create(DOMAIN, { to: ['ada@customer.test', 'hidden@customer.test'], message: m.raw });
    expect(res.status).to.equal(200);
    const got = mg.sends.at(-1)!;
    expect(res.id).to.equal(`<${got.id}>`);
    expect(res.message).to.equal('Queued. Thank you.');
    expect(got.to).to.deep.equal(['ada@customer.test', 'hidden@customer.test']);
    expect(got.parsed.subject).to.equal('From mailgun.js');
    expect(mg.to(`/v3/${DOMAIN}/messages.mime`).at(-1)!.headers['content-type']).to.match(/^multipart\/form-data; boundary=/);
  });

  it('domains.get reads the domain with a Private key; a Sending key and a wrong key are refused with 401 Forbidden', async () => {
    const domain = await clientFor(mg.addPrivateKey()).domains.get(DOMAIN);
    expect(domain).to.include({ name: DOMAIN, state: 'active' });
    for (const key of [mg.addSendingKey(DOMAIN), 'wrong-key']) {
      const err = await clientFor(key).domains.get(DOMAIN).then(() => undefined, (e: { status: number; details: string }) => e);
      expect(err, key).to.include({ status: 401, details: 'Forbidden' });
    }
    const sent = await clientFor('wrong-key').messages.create(DOMAIN, { to: 'a@customer.test', message: 'From: a@acme.test\r\n\r\nx' }).then(() => undefined, (e: { status: number }) => e);
    expect(sent).to.include({ status: 401 });
  });
});
