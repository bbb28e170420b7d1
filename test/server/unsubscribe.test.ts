import { expect } from 'chai';
import { createKeyring } from '../../connector/secrets.js';
import { signUnsubscribe } from '../../connector/unsubscribe-token.js';
import { onBackend } from '../support/backend-suite.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';

/**
 * One-click unsubscribe (RFC 8058): send-email's listUnsubscribe adds List-Unsubscribe (a signed
 * link naming the one recipient) and List-Unsubscribe-Post; a POST there puts the recipient on the
 * scope's list, a GET only shows a button, and a link this server did not sign changes nothing.
 */
for (const backend of BACKENDS) {
  describe(`one-click unsubscribe (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { sink } = onBackend(backend, { overrides: { publicUrl: 'https://mail.envoi.test', pollMs: 50 }, sinkDefaults: { tls: 'none' } }, (e) => {
      envoi = e;
    });
    const listed = async (scope: string) => (await envoi.api('GET', `/api/v1/scopes/${scope}/suppressions`)).body.items as Array<{ email: string; reason: string; deliveryId: string }>;
    /** The link's path on this test server (the public URL names where it would be deployed). */
    const local = (url: string) => `${envoi.url}${new URL(url).pathname}`;
    const oneClick = (url: string, body = 'List-Unsubscribe=One-Click') =>
      fetch(local(url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

    it('the sent mail carries both headers; a GET shows a button and changes nothing; the POST suppresses the recipient', async () => {
      const s = await sink();
      const c = await envoi.api('POST', '/api/v1/scopes/acme/connections', { ...smtpConnection(s, { authMethod: 'NONE' }), isDefault: true });
      expect(c.status).to.equal(201);
      const r = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/execute', { input: { to: 'Reader <Reader@Example.com>', subject: 'News', text: 'hi', listUnsubscribe: true } });
      expect(r.status).to.equal(202);
      const [got] = await s.waitFor(1);
      // mailparser gathers the List-* headers under `list` (RFC 2369's <…> taken off).
      const header = (got!.parsed.headers.get('list') as { unsubscribe: { url: string } }).unsubscribe;
      expect(header.url).to.match(/^https:\/\/mail\.envoi\.test\/u\/[\w-]+\.[\w-]+$/);
      expect(got!.raw).to.match(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);

      const page = await fetch(local(header.url));
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.include('reader@example.com').and.match(/<form method="post">/);
      expect(await listed('acme'), 'a link scanner fetching the URL unsubscribes nobody').to.deep.equal([]);

      const post = await oneClick(header.url);
      expect(post.status).to.equal(200);
      expect(await post.json()).to.deep.equal({ unsubscribed: true });
      const [entry] = await listed('acme');
      expect(entry).to.deep.include({ email: 'reader@example.com', reason: 'unsubscribe', deliveryId: r.body.deliveryId });
      expect((await oneClick(header.url)).status, 'a second click is still fine').to.equal(200);

      // The page's own button posts a form and gets a page back.
      const viaPage = await fetch(local(header.url), { method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(viaPage.headers.get('content-type')).to.match(/text\/html/);
      expect(await viaPage.text()).to.include('Unsubscribed');

      const next = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/execute?wait=5', { input: { to: 'reader@example.com', subject: 'More news', text: 'hi' } });
      expect(next.body.error.code).to.equal('ALL_RECIPIENTS_SUPPRESSED');
    });

    it('a forged or altered token is refused (400) and suppresses nobody', async () => {
      const other = createKeyring([Buffer.alloc(32, 7)]);
      const forged = signUnsubscribe(other, { scope: 'globex', deliveryId: 'd1', email: 'victim@example.com' });
      const res = await oneClick(`https://x.test/u/${forged}`);
      expect(res.status).to.equal(400);
      expect((await res.json()).error.code).to.equal('UNSUBSCRIBE_LINK_INVALID');
      // A real token of this server with another address swapped into its payload.
      const real = signUnsubscribe(envoi.server.envoi.keyring, { scope: 'globex', deliveryId: 'd1', email: 'me@example.com' });
      const swapped = `${Buffer.from(JSON.stringify(['globex', 'd1', 'victim@example.com'])).toString('base64url')}.${real.split('.')[1]}`;
      expect((await oneClick(`https://x.test/u/${swapped}`)).status).to.equal(400);
      expect((await fetch(`${envoi.url}/u/${swapped}`)).status).to.equal(400);
      expect((await oneClick('https://x.test/u/nonsense')).status).to.equal(400);
      expect(await listed('globex')).to.deep.equal([]);
      // The genuine one works, in its own scope only.
      expect((await oneClick(`https://x.test/u/${real}`)).status).to.equal(200);
      expect((await listed('globex')).map((e) => e.email)).to.deep.equal(['me@example.com']);
      expect(await listed('acme')).to.not.deep.include({ email: 'me@example.com' });
    });

    it('listUnsubscribe with several recipients is refused with a hint, before anything is queued', async () => {
      const r = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/execute', { input: { to: 'a@example.com', cc: 'b@example.com', subject: 'News', text: 'hi', listUnsubscribe: true } });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('VALIDATION_FAILED');
      expect(r.body.error.details).to.deep.equal([{ path: '/listUnsubscribe', message: 'needs exactly one recipient in to, cc and bcc together' }]);
      expect(r.body.error.hint).to.match(/one mail per recipient/);
    });
  });
}

describe('one-click unsubscribe without ENVOI_PUBLIC_URL', function () {
  let envoi: TestEnvoi;
  before(async () => {
    envoi = await new TestEnvoi().start();
  });
  after(() => envoi.stop());

  it('listUnsubscribe is refused at validate and execute with a hint to set ENVOI_PUBLIC_URL', async () => {
    const input = { to: 'a@example.com', subject: 'News', text: 'hi', listUnsubscribe: true };
    const v = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/validate', { input });
    expect(v.body.valid).to.equal(false);
    expect(v.body.errors).to.deep.equal([{ path: '/listUnsubscribe', message: 'needs ENVOI_PUBLIC_URL to be set' }]);
    const x = await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/execute', { input });
    expect(x.status).to.equal(400);
    expect(x.body.error.hint).to.include('ENVOI_PUBLIC_URL');
  });
});
