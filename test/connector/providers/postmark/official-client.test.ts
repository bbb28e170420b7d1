import crypto from 'node:crypto';
import { expect } from 'chai';
import { Errors, ServerClient } from 'postmark';
import { PostmarkStandin, type PostmarkServer } from '../../../support/standins/postmark.js';

/**
 * The stand-in speaks Postmark's wire format: Postmark's own Node.js client (the `postmark`
 * package) is pointed at it (its `requestHost` and `useHttps` options) and gets what it gets
 * from Postmark, its typed errors included.
 */
describe('the Postmark stand-in, checked with Postmark\'s official client', () => {
  let pm: PostmarkStandin;
  let server: PostmarkServer;
  const client = (token: string) => new ServerClient(token, { useHttps: false, requestHost: pm.url.replace(/^http:\/\//, ''), timeout: 10 });

  before(async () => {
    pm = await new PostmarkStandin().start();
    server = pm.addServer({ name: 'Official client' });
    pm.signatures.add('sender@acme.test');
  });
  after(() => pm.stop());

  it('reads the server and sends a mail with an inline image; the answer carries the MessageID', async () => {
    const c = client(server.token);
    expect((await c.getServer()).Name).to.equal('Official client');
    const sent = await c.sendEmail({
      From: 'Acme <sender@acme.test>', To: 'ada@customer.test', Subject: 'Hello', HtmlBody: '<img src="cid:logo">', TextBody: 'Hello',
      Attachments: [{ Name: 'logo.png', Content: crypto.randomBytes(10).toString('base64'), ContentType: 'image/png', ContentID: 'cid:logo' }],
      Headers: [{ Name: 'X-Campaign', Value: 'q4' }], MessageStream: 'outbound',
    });
    expect(sent).to.include({ ErrorCode: 0, Message: 'OK', To: 'ada@customer.test' });
    expect(sent.MessageID).to.equal(pm.sends.at(-1)!.messageId);
    const req = pm.http.to('/email').at(-1)!;
    expect(req.headers['x-postmark-server-token']).to.equal(server.token);
    expect(req.headers.accept).to.match(/application\/json/);
  });

  it('a wrong token is the client\'s InvalidAPIKeyError (401, ErrorCode 10); a 422 is its ApiInputError with the ErrorCode', async () => {
    const wrong = await client(crypto.randomUUID()).getServer().catch((e: unknown) => e);
    expect(wrong).to.be.instanceOf(Errors.InvalidAPIKeyError);
    expect(wrong).to.include({ statusCode: 401, code: 10 });
    const unsigned = await client(server.token).sendEmail({ From: 'other@acme.test', To: 'ada@customer.test', Subject: 's', TextBody: 'x' }).catch((e: unknown) => e);
    expect(unsigned).to.be.instanceOf(Errors.ApiInputError);
    expect(unsigned).to.include({ statusCode: 422, code: 400 });
    pm.inactive.add('gone@customer.test');
    const inactive = await client(server.token).sendEmail({ From: 'sender@acme.test', To: 'gone@customer.test', Subject: 's', TextBody: 'x' }).catch((e: unknown) => e);
    expect(inactive).to.be.instanceOf(Errors.InactiveRecipientsError);
    expect((inactive as Errors.InactiveRecipientsError).recipients).to.deep.equal(['gone@customer.test']);
  });
});
