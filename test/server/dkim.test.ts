import { expect } from 'chai';
import { createRequire } from 'node:module';
import { dnsResolver } from '../../connector/dns/resolver.js';
import { PROVIDERS } from '../../connector/providers/registry.js';
import { Dnsmasq, dnsmasqBinary } from '../support/dnsmasq.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';
import { deliverySuite } from './delivery-suite.js';

// mailauth's verifier, independent of the signers (nodemailer's for RSA), asking the test's DNS server.
const { authenticate } = createRequire(import.meta.url)('mailauth') as typeof import('mailauth');

/** The tags of the message's first field, which must be its DKIM-Signature (unfolded, RFC 6376 §3.2). */
function tagsOf(raw: string): Record<string, string> {
  const field = /^DKIM-Signature:(.*?)\r\n(?![ \t])/s.exec(raw)?.[1];
  if (!field) throw new Error(`no DKIM-Signature first: ${raw.slice(0, 80)}`);
  return Object.fromEntries(field.replace(/\r\n[ \t]+/g, ' ').split(';').map((t) => t.trim().split(/=(.*)/s).slice(0, 2).map((x) => x.trim())).filter(([k]) => k));
}

interface Key { id: string; domain: string; selector: string; algorithm: string; dnsRecord: { name: string; type: string; value: string } }

/**
 * DKIM (design.md "Deliverability"): keys per scope and domain whose private half never leaves
 * sealed storage; mail of a domain with a key is signed when it leaves through SMTP, and a real
 * DNS server (dnsmasq on loopback) publishing the record Envoi printed lets mailauth verify it.
 */
for (const backend of BACKENDS) {
  describe(`DKIM keys and signing (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let runtime: string;
    const { sink, connect, execute, delivery, until } = deliverySuite(backend, (s) => ({ envoi, runtime } = s));
    let dns: Dnsmasq | undefined;
    const keys: Key[] = [];

    before(function () {
      const bin = dnsmasqBinary();
      if (!bin) skipUnlessCI(this, 'dnsmasq is not installed (apt-get install dnsmasq-base), so no DNS server can publish the key');
      dns = new Dnsmasq(bin);
    });
    after(() => dns?.close());

    const create = (scope: string, body: Record<string, unknown>) => envoi.api('POST', `/api/v1/scopes/${scope}/dkim-keys`, body);
    const publish = () => dns!.publish({ txt: keys.map((k) => [k.dnsRecord.name, k.dnsRecord.value] as [string, string]) });
    /** The DKIM results of mailauth's authenticate for a message as received. */
    const verify = async (raw: string) => (await authenticate(raw, {
      ip: '127.0.0.1', helo: 'relay.test', sender: 'bounce@relay.test', mta: 'mx.receiver.test',
      resolver: dnsResolver({ servers: [dns!.server], timeoutMs: 2000 }),
    })).dkim.results;
    /** Sends one mail from `from` through a sink and answers it as received, with its delivery. */
    const sendFrom = async (scope: string, from: string, subject: string) => {
      const s = await sink();
      const name = `via-${from.replace(/\W/g, '-')}`;
      await connect(scope, s, { senderEmail: from, name });
      const r = await execute(scope, { connection: name, to: 'reader@example.com', subject, text: `Body of ${subject}`, html: `<p>Body of <b>${subject}</b></p>` });
      expect(r.status, r.text).to.equal(202);
      const d = await until(scope, r.body.deliveryId, ['sent']);
      const [got] = await s.waitFor(1);
      return { raw: got!.raw, d };
    };

    it('an admin creates keys (RSA-2048 by default, selector envoi<yyyymm>; Ed25519 on request) and gets the TXT record; the private key is never shown and sealed at rest', async () => {
      const rsa = await create('acme', { domain: 'RSA.Acme.test' });
      expect(rsa.status, rsa.text).to.equal(201);
      const now = new Date();
      const selector = `envoi${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      expect(rsa.body).to.deep.include({ domain: 'rsa.acme.test', selector, algorithm: 'rsa-2048' });
      expect(rsa.body.dnsRecord).to.deep.include({ name: `${selector}._domainkey.rsa.acme.test`, type: 'TXT' });
      expect(rsa.body.dnsRecord.value).to.match(/^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/=]+$/);
      const ed = await create('acme', { domain: 'ed.acme.test', selector: 'ed1', algorithm: 'ed25519' });
      expect(ed.status, ed.text).to.equal(201);
      // RFC 8463: p= is the raw 32-byte public key, 44 characters of base64.
      expect(ed.body.dnsRecord.value).to.match(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
      keys.push(rsa.body, ed.body);
      expect(JSON.stringify([rsa.body, ed.body])).not.to.match(/PRIVATE|privateKey/);
      const rows = (await envoi.server.envoi.db.knex('dkim_keys').select('private_key_sealed')) as Array<{ private_key_sealed: string }>;
      expect(rows).to.have.length(2);
      for (const r of rows) expect(r.private_key_sealed).to.match(/^v1\./).and.not.match(/PRIVATE KEY/);
    });

    it('several selectors per domain; the same selector again is 409 DKIM_SELECTOR_TAKEN; list, filter, delete (404 after); admins only', async () => {
      const second = await create('acme', { domain: 'rsa.acme.test', selector: 'next' });
      expect(second.status).to.equal(201);
      const again = await create('acme', { domain: 'rsa.acme.test', selector: 'next' });
      expect(again.status).to.equal(409);
      expect(again.body.error).to.include({ code: 'DKIM_SELECTOR_TAKEN' });
      expect(again.body.error.hint).to.be.a('string');
      const bad = await create('acme', { domain: 'not a domain', algorithm: 'dsa' });
      expect(bad.status).to.equal(400);
      expect([...new Set(bad.body.error.details.map((d: { path: string }) => d.path))].sort()).to.deep.equal(['/algorithm', '/domain']);
      const list = await envoi.api('GET', '/api/v1/scopes/acme/dkim-keys?domain=rsa.acme.test');
      expect(list.body.items.map((k: Key) => k.selector).sort()).to.deep.equal([keys[0]!.selector, 'next'].sort());
      expect((await envoi.api('GET', '/api/v1/scopes/globex/dkim-keys')).body.items, 'another scope has its own keys').to.deep.equal([]);
      expect((await envoi.api('GET', '/api/v1/scopes/acme/dkim-keys', undefined, { key: runtime })).status).to.equal(403);
      expect((await envoi.api('DELETE', `/api/v1/scopes/acme/dkim-keys/${second.body.id}`)).status).to.equal(204);
      expect((await envoi.api('DELETE', `/api/v1/scopes/acme/dkim-keys/${second.body.id}`)).status).to.equal(404);
    });

    it('RSA: mail from the domain is signed relaxed/relaxed, passes mailauth against the published record, and the delivery names the key; a changed Subject fails', async () => {
      await publish();
      const { raw, d } = await sendFrom('acme', 'news@rsa.acme.test', 'Signed with RSA');
      expect(tagsOf(raw)).to.include({ a: 'rsa-sha256', c: 'relaxed/relaxed', d: 'rsa.acme.test', s: keys[0]!.selector });
      const [result] = await verify(raw);
      expect(result!.status.result, JSON.stringify(result!.status)).to.equal('pass');
      expect((result as unknown as { signingHeaders: { keys: string } }).signingHeaders.keys.toLowerCase().split(': ')).to.include.members(['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'reply-to']);
      expect(d.dkim).to.deep.equal({ domain: 'rsa.acme.test', selector: keys[0]!.selector });
      expect((await delivery('acme', d.id)).dkim).to.deep.equal(d.dkim);
      const [tampered] = await verify(raw.replace('Subject: Signed with RSA', 'Subject: Signed with RSB'));
      expect(tampered!.status.result).to.equal('fail');
    });

    it('Ed25519 (RFC 8463): signed by mailauth, verified against the published raw key; a changed From fails', async () => {
      const { raw, d } = await sendFrom('acme', 'news@ed.acme.test', 'Signed with Ed25519');
      expect(tagsOf(raw)).to.include({ a: 'ed25519-sha256', c: 'relaxed/relaxed', d: 'ed.acme.test', s: 'ed1' });
      const [result] = await verify(raw);
      expect(result!.status.result, JSON.stringify(result!.status)).to.equal('pass');
      expect(d.dkim).to.deep.equal({ domain: 'ed.acme.test', selector: 'ed1' });
      const [tampered] = await verify(raw.replace('From: news@ed.acme.test', 'From: boss@ed.acme.test'));
      expect(tampered!.status.result).to.equal('fail');
    });

    it('a record that does not match the key makes verification fail (the receiver sees what the domain check reports)', async () => {
      const other = (await create('globex', { domain: 'rsa.acme.test', selector: keys[0]!.selector })).body as Key;
      await dns!.publish({ txt: [[other.dnsRecord.name, other.dnsRecord.value]] });
      const { raw } = await sendFrom('acme', 'desk@rsa.acme.test', 'Wrong record');
      const [result] = await verify(raw);
      expect(result!.status.result).to.equal('fail');
      await publish();
    });

    it('a domain without a key leaves unsigned (dkim null); the platform key signs for a scope without its own', async () => {
      const plain = await sendFrom('initech', 'news@plain.test', 'Unsigned');
      expect(plain.raw).not.to.match(/DKIM-Signature/i);
      expect(plain.d.dkim).to.equal(null);
      const platform = await create('platform', { domain: 'shared.test', selector: 'p1' });
      keys.push(platform.body);
      await publish();
      const shared = await sendFrom('initech', 'news@shared.test', 'Platform key');
      expect(shared.d.dkim).to.deep.equal({ domain: 'shared.test', selector: 'p1' });
      expect((await verify(shared.raw))[0]!.status.result).to.equal('pass');
    });

    it('for SES the signature leaves out Message-ID and Date, which SES rewrites; it still verifies after they change', async () => {
      const signer = envoi.server.envoi.dkimSigner;
      const raw = 'From: news@rsa.acme.test\r\nTo: a@example.com\r\nSubject: Via SES\r\nDate: Mon, 30 Nov 2026 05:00:00 +0000\r\nMessage-ID: <x@rsa.acme.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello\r\n';
      const signed = await signer.sign('acme', PROVIDERS.ses, raw);
      expect(signed.dkim).to.deep.equal({ domain: 'rsa.acme.test', selector: keys[0]!.selector });
      const [result] = await verify(signed.raw.replace('<x@rsa.acme.test>', '<0100018c@email.amazonses.com>').replace('05:00:00', '05:00:07'));
      expect(result!.status.result).to.equal('pass');
      expect((result as unknown as { signingHeaders: { keys: string } }).signingHeaders.keys.toLowerCase()).not.to.match(/message-id|date/);
      expect((await signer.sign('acme', PROVIDERS.sendgrid, raw)).raw, 'a provider that signs itself gets the message as is').to.equal(raw);
    });
  });
}
