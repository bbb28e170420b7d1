import crypto from 'node:crypto';
import { expect } from 'chai';
import { Resend } from 'resend';
import { ResendStandin, type ResendKey } from '../../../support/standins/resend.js';

/**
 * The stand-in speaks Resend's wire format: Resend's own Node.js SDK (the `resend` package) is
 * pointed at it (its `baseUrl` option; RESEND_BASE_URL does the same) and reads its answers, its
 * error objects `{statusCode, name, message}` included.
 */
describe('the Resend stand-in, checked with Resend\'s official SDK', () => {
  let rs: ResendStandin;
  let key: ResendKey;
  const sdk = (k: string) => new Resend(k, { baseUrl: rs.url });

  before(async () => {
    rs = await new ResendStandin().start();
    key = rs.addKey();
    rs.addDomain('acme.test');
    rs.addDomain('later.test', 'pending');
  });
  after(() => rs.stop());

  it('lists the domains and sends one mail with an inline image and an idempotency key; the answer is the id', async () => {
    const domains = await sdk(key.key).domains.list();
    expect(domains.error).to.equal(null);
    expect(domains.data!.data.map((d) => [d.name, d.status])).to.deep.equal([['acme.test', 'verified'], ['later.test', 'pending']]);
    const sent = await sdk(key.key).emails.send({
      from: 'Acme <news@acme.test>', to: ['ada@customer.test'], subject: 'Hello', html: '<img src="cid:logo">', text: 'Hello', replyTo: 'help@acme.test',
      headers: { 'X-Campaign': 'q4' }, attachments: [{ filename: 'logo.png', content: crypto.randomBytes(10), contentType: 'image/png', contentId: 'logo' }],
    }, { idempotencyKey: 'welcome/ada' });
    expect(sent.error).to.equal(null);
    expect(sent.data!.id).to.equal(rs.sends.at(-1)!.id);
    const got = rs.sends.at(-1)!;
    expect(got.idempotencyKey).to.equal('welcome/ada');
    expect(got.body.attachments![0]).to.include({ filename: 'logo.png', content_type: 'image/png', content_id: 'logo' });
    expect(got.body.reply_to).to.equal('help@acme.test');
  });

  it('a wrong key, a sending-only key outside sending and an unverified domain come back as Resend\'s error objects', async () => {
    const wrong = await sdk('re_wrong_key').emails.send({ from: 'news@acme.test', to: 'a@customer.test', subject: 's', text: 'x' });
    expect(wrong.error).to.deep.include({ statusCode: 401, name: 'validation_error', message: 'API key is invalid' });
    const restricted = await sdk(rs.addKey('sending_access').key).domains.list();
    expect(restricted.error).to.deep.include({ statusCode: 401, name: 'restricted_api_key' });
    const unverified = await sdk(key.key).emails.send({ from: 'news@later.test', to: 'a@customer.test', subject: 's', text: 'x' });
    expect(unverified.error).to.deep.include({ statusCode: 403, name: 'validation_error' });
    expect(unverified.error!.message).to.match(/^The later\.test domain is not verified/);
  });
});
