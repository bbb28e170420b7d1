import { expect } from 'chai';
import { Dnsmasq, dnsmasqBinary, type Zone } from '../support/dnsmasq.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, tableLookup, TestEnvoi } from '../support/harness.js';

interface Check { kind: string; status: string; name?: string; found?: string; expected?: string; message: string; hint: string }

/**
 * The domain check (design.md "Deliverability") against a real DNS server on loopback: a complete
 * domain passes every check, and each broken one names its problem with the record to publish.
 * The SMTP connections send through relay.good.test, which the DNS server resolves to 127.0.0.1.
 */
for (const backend of BACKENDS) {
  describe(`the domain check (${backend.name})`, function () {
    let envoi: TestEnvoi | undefined;
    let drop: (() => Promise<void>) | undefined;
    let dns: Dnsmasq | undefined;
    const zone: Required<Zone> = { txt: [], mx: [], a: [['relay.good.test', '127.0.0.1'], ['mx.good.test', '127.0.0.1']] };
    const keyRecords: Record<string, { name: string; value: string }> = {};

    before(async function () {
      const bin = dnsmasqBinary();
      if (!bin) return skipUnlessCI(this, 'dnsmasq is not installed (apt-get install dnsmasq-base), so no DNS server can publish the records');
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      dns = new Dnsmasq(bin);
      const server = await dns.reserve();
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, lookup: tableLookup({ 'relay.good.test': ['127.0.0.1'] }), overrides: { dnsServers: [server] } }).start();
      const smtp = (name: string, domain: string) => ({ name, senderEmail: `news@${domain}`, host: 'relay.good.test', port: 2525, authMethod: 'NONE' });
      for (const d of ['good', 'nospf', 'wrongspf', 'many', 'badkey', 'nodmarc', 'pnone', 'nomx']) {
        const r = await envoi.api('POST', '/api/v1/scopes/acme/connections', smtp(`relay-${d}`, `${d}.test`));
        if (r.status !== 201) throw new Error(r.text);
      }
      const mg = await envoi.api('POST', '/api/v1/scopes/acme/connections', { name: 'Mailgun', provider: 'mailgun', senderEmail: 'news@mg.test', domain: 'mg.test', apiKey: 'key-0123456789' });
      if (mg.status !== 201) throw new Error(mg.text);
      for (const d of ['good', 'badkey']) {
        const k = await envoi.api('POST', '/api/v1/scopes/acme/dkim-keys', { domain: `${d}.test`, selector: 'sel1' });
        keyRecords[d] = k.body.dnsRecord;
      }
      const other = await envoi.api('POST', '/api/v1/scopes/globex/dkim-keys', { domain: 'badkey.test', selector: 'sel1' });
      // Complete, unless the domain is named for what it lacks.
      for (const d of ['good', 'wrongspf', 'many', 'badkey', 'nodmarc', 'pnone', 'nomx', 'mg', 'nospf']) {
        if (d !== 'nospf') zone.txt.push([`${d}.test`, d === 'wrongspf' ? 'v=spf1 ip4:192.0.2.55 -all' : d === 'many' ? `v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:s${i}.many.test`).join(' ')} -all` : d === 'mg' ? 'v=spf1 ip4:127.0.0.1 -all' : 'v=spf1 a:relay.good.test -all']);
        if (d !== 'nodmarc') zone.txt.push([`_dmarc.${d}.test`, d === 'pnone' ? 'v=DMARC1; p=none; rua=mailto:dmarc@pnone.test' : 'v=DMARC1; p=reject']);
        if (d !== 'nomx') zone.mx.push([`${d}.test`, 'mx.good.test', 10]);
      }
      for (let i = 0; i < 11; i++) zone.txt.push([`s${i}.many.test`, `v=spf1 ip4:192.0.2.${200 + i} -all`]);
      zone.txt.push([keyRecords.good!.name, keyRecords.good!.value], [other.body.dnsRecord.name, other.body.dnsRecord.value]);
      await dns.publish(zone);
    });
    after(async () => {
      await envoi?.stop();
      await dns?.close();
      await drop?.();
    });

    const check = async (domain: string) => {
      const r = await envoi!.api('GET', `/api/v1/scopes/acme/domains/${domain}/check`);
      expect(r.status, r.text).to.equal(200);
      expect(r.body.domain).to.equal(domain);
      return r.body.checks as Check[];
    };
    const only = (checks: Check[], kind: string) => {
      const found = checks.filter((c) => c.kind === kind);
      expect(found, `${kind} checks`).to.have.length(1);
      return found[0]!;
    };

    it('a complete domain passes SPF (its relay authorized), DKIM (the key published and equal), DMARC (aligned) and MX', async () => {
      const checks = await check('good.test');
      expect(checks.map((c) => `${c.kind}:${c.status}`)).to.deep.equal(['spf:pass', 'dkim:pass', 'dmarc:pass', 'mx:pass']);
      expect(only(checks, 'spf')).to.include({ name: 'good.test', found: 'v=spf1 a:relay.good.test -all' });
      expect(only(checks, 'dkim')).to.include({ name: 'sel1._domainkey.good.test', found: keyRecords.good!.value });
      expect(only(checks, 'dmarc').message).to.match(/aligned/);
      expect(only(checks, 'mx').found).to.equal('10 mx.good.test');
    });

    it('no SPF: fail, with a record authorizing the relay', async () => {
      const spf = only(await check('nospf.test'), 'spf');
      expect(spf).to.include({ status: 'fail', name: 'nospf.test', expected: 'v=spf1 ip4:127.0.0.1 ~all' });
      expect(spf.message).to.match(/no SPF record/);
    });

    it("SPF that does not authorize the connection's host: fail, naming host and address, with the record completed", async () => {
      const spf = only(await check('wrongspf.test'), 'spf');
      expect(spf).to.include({ status: 'fail', found: 'v=spf1 ip4:192.0.2.55 -all', expected: 'v=spf1 ip4:192.0.2.55 ip4:127.0.0.1 -all' });
      expect(spf.message).to.match(/does not authorize relay\.good\.test \(127\.0\.0\.1\).*"relay-wrongspf"/);
    });

    it('an email API whose include is missing: fail, with the include added', async () => {
      const spf = only(await check('mg.test'), 'spf');
      expect(spf).to.include({ status: 'fail', expected: 'v=spf1 ip4:127.0.0.1 include:mailgun.org -all' });
      expect(spf.message).to.match(/include:mailgun\.org/);
    });

    it('SPF over 10 DNS lookups: fail (RFC 7208 §4.6.4), with a record naming only what the scope sends through', async () => {
      const spf = only(await check('many.test'), 'spf');
      expect(spf).to.include({ status: 'fail', expected: 'v=spf1 ip4:127.0.0.1 ~all' });
      expect(spf.message).to.match(/more than 10 DNS lookups/);
    });

    it("a DKIM record that does not match Envoi's key: fail, with the record to publish", async () => {
      const dkim = only(await check('badkey.test'), 'dkim');
      expect(dkim).to.include({ status: 'fail', name: keyRecords.badkey!.name, expected: keyRecords.badkey!.value });
      expect(dkim.found).to.match(/^v=DKIM1; k=rsa; p=/).and.not.equal(keyRecords.badkey!.value);
      expect(dkim.message).to.match(/does not match/);
    });

    it('no DMARC: fail with the record to publish; p=none: warn with the same record at p=quarantine', async () => {
      const missing = only(await check('nodmarc.test'), 'dmarc');
      expect(missing).to.include({ status: 'fail', name: '_dmarc.nodmarc.test', expected: 'v=DMARC1; p=quarantine; adkim=r; aspf=r' });
      const none = only(await check('pnone.test'), 'dmarc');
      expect(none).to.include({ status: 'warn', found: 'v=DMARC1; p=none; rua=mailto:dmarc@pnone.test', expected: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@pnone.test' });
      expect(none.message).to.match(/p=none/);
    });

    it('no MX: warn, with a record to publish', async () => {
      const mx = only(await check('nomx.test'), 'mx');
      expect(mx).to.include({ status: 'warn', expected: '10 mail.nomx.test' });
      expect(mx.hint).to.match(/MX record/);
    });

    it('SMTP mail of a domain without a key: DKIM warns that it leaves unsigned; a bad name is 400; builders may not check', async () => {
      const dkim = only(await check('nodmarc.test'), 'dkim');
      expect(dkim.status).to.equal('warn');
      expect(dkim.message).to.match(/leaves unsigned/);
      expect((await envoi!.api('GET', '/api/v1/scopes/acme/domains/not_a_domain/check')).status).to.equal(400);
      const builder = await envoi!.key('builder', 'acme');
      expect((await envoi!.api('GET', '/api/v1/scopes/acme/domains/good.test/check', undefined, { key: builder })).status).to.equal(403);
    });
  });
}
