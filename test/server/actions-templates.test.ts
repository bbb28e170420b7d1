import { expect } from 'chai';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { sleep } from '../support/wait.js';
import { A, actionsSuite } from './actions-suite.js';

for (const backend of BACKENDS) {
  describe(`workflow actions (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let sink: SmtpSink;
    const { send, refused } = actionsSuite(backend, (s) => ({ envoi, sink } = s));

    it('each of the six locales yields its own subject and carries the link; an override wins, DELETE restores', async () => {
      const subjects = new Set<string>();
      const link = 'https://app.acme.test/invite?token=T0K3N&lang=1';
      for (const locale of ['en', 'fr', 'de', 'nl', 'pt', 'ru']) {
        const got = await send('send-invitation', { to: `${locale}@customer.test`, appName: 'Acme CRM', link, inviterName: 'Ada Lovelace', locale });
        expect(got.parsed.subject, locale).to.include('Acme CRM');
        subjects.add(got.parsed.subject!);
        expect(got.parsed.text, locale).to.include(link);
        expect(got.parsed.html, locale).to.include('href="https://app.acme.test/invite?token&#x3D;T0K3N&amp;lang&#x3D;1"');
        const signup = await send('send-signup-confirmation', { to: `s-${locale}@customer.test`, appName: 'Acme CRM', link, name: 'Grace', locale });
        subjects.add(signup.parsed.subject!);
        expect(signup.parsed.text, locale).to.include(link);
      }
      expect(subjects.size, 'every locale and mail has its own subject').to.equal(12);
      const regional = await send('send-invitation', { to: 'x@customer.test', appName: 'Acme CRM', link, locale: 'fr-CA' });
      expect(regional.parsed.subject).to.match(/Acme CRM/);
      expect(regional.parsed.html).to.match(/lang="fr"/);
      const unknown = await send('send-invitation', { to: 'y@customer.test', appName: 'Acme CRM', link, locale: 'es' });
      expect(unknown.parsed.html).to.match(/lang="en"/);

      const put = await envoi.api('PUT', '/api/v1/scopes/acme/templates/send-invitation/fr', { subject: 'Rejoignez {{appName}} !', html: '<p>Cliquez <a href="{{link}}">ici</a></p>', text: 'Lien : {{link}}' });
      expect(put.status, put.text).to.equal(200);
      expect(put.body).to.include({ source: 'scope', locale: 'fr' });
      await envoi.api('POST', '/api/v1/scopes/acme/connections', smtpConnection(sink, { name: 'Acme mail', authMethod: 'NONE', isDefault: true }));
      const acmeRuntime = await envoi.key('runtime', 'acme');
      const r = await envoi.api('POST', `${A('acme', 'send-invitation', 'execute')}?wait=10`, { input: { to: 'z@customer.test', appName: 'Acme CRM', link, locale: 'fr' } }, { key: acmeRuntime });
      expect(r.body.status).to.equal('sent');
      const overridden = sink.received.find((m) => m.parsed.messageId === r.body.messageId)!;
      expect(overridden.parsed.subject).to.equal('Rejoignez Acme CRM !');
      expect(overridden.parsed.text!.trim()).to.equal(`Lien : ${link}`);
      // Another tenant still gets the built-in one.
      const other = await envoi.api('GET', '/api/v1/scopes/globex/templates/send-invitation/fr');
      expect(other.body.source).to.equal('builtin');
      expect((await envoi.api('DELETE', '/api/v1/scopes/acme/templates/send-invitation/fr')).status).to.equal(204);
      expect((await envoi.api('GET', '/api/v1/scopes/acme/templates/send-invitation/fr')).body.source).to.equal('builtin');
      const broken = await envoi.api('PUT', '/api/v1/scopes/acme/templates/send-invitation/de', { subject: 'x', html: '<p>\n{{#if link}}open', text: 'y' });
      expect(broken.status).to.equal(400);
      expect(broken.body.error).to.include({ code: 'TEMPLATE_ERROR', line: 2 });
      expect((await envoi.api('GET', '/api/v1/scopes/acme/templates/send-email/fr')).status).to.equal(404);
    });

    it('prototype-pollution payloads render nothing harmful and leave Object.prototype untouched', async () => {
      const before = Object.getOwnPropertyNames(Object.prototype).sort();
      const payloads = [
        '{{#with "s" as |string|}}{{#with "e"}}{{#with split as |conslist|}}{{this.pop}}{{this.push (lookup string.sub "constructor")}}{{this.pop}}{{#with string.split as |codelist|}}{{this.pop}}{{this.push "return process.mainModule.require(\'child_process\').execSync(\'id\');"}}{{this.pop}}{{#each conslist}}{{#with (string.sub.apply 0 codelist)}}{{this}}{{/with}}{{/each}}{{/with}}{{/with}}{{/with}}{{/with}}',
        '{{constructor.constructor "return process"}}',
        '{{#with this as |o|}}{{#with (o.constructor.keys "1") as |a|}}{{a}}{{/with}}{{/with}}',
        '{{lookup (lookup this "__proto__") "polluted"}}{{__proto__.polluted}}',
        '{{#with __proto__}}{{this.constructor.name}}{{/with}}',
      ];
      for (const html of payloads) {
        const r = await envoi.api('POST', A('platform', 'send-email', 'preview'), {
          input: { to: 'a@customer.test', subject: 'p', html, data: JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') },
        });
        expect([200, 400]).to.include(r.status);
        expect(r.text).not.to.match(/uid=\d+|\[object process\]|function Function|polluted":"yes"/);
        if (r.status === 200) expect(r.body.html).not.to.match(/uid=|yes/);
      }
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(before);
    });

    it('a template sent as a JSON object (a precompiled AST) is refused', async () => {
      const r = await refused({ to: 'a@customer.test', subject: { type: 'Program', body: [] }, text: 't' }, '/subject');
      expect(r.body.error.code).to.equal('VALIDATION_FAILED');
    });

    it('validate and preview catch a broken template with its line and column before any send', async () => {
      const input = { to: 'a@customer.test', subject: 'Fine', html: '<p>Hello</p>\n<p>{{#if name}}Hi {{name}}</p>' };
      const v = await envoi.api('POST', A('platform', 'send-email', 'validate'), { input });
      expect(v.status).to.equal(200);
      expect(v.body.valid).to.equal(false);
      expect(v.body.errors[0].path).to.equal('/html');
      expect(v.body.errors[0].message).to.match(/line 2, column \d+/);
      const p = await envoi.api('POST', A('platform', 'send-email', 'preview'), { input });
      expect(p.status).to.equal(400);
      expect(p.body.error).to.include({ code: 'TEMPLATE_ERROR', field: 'html', line: 2 });
      expect(p.body.error.column).to.be.a('number');
      await refused(input, '/html');
      const ok = await envoi.api('POST', A('platform', 'send-email', 'validate'), { input: { ...input, html: '<p>{{#if name}}Hi {{name}}{{/if}}</p>' } });
      expect(ok.body).to.deep.equal({ valid: true, errors: [] });
      const schemaErr = await envoi.api('POST', A('platform', 'send-email', 'validate'), { input: { subject: 's' } });
      expect(schemaErr.body.valid).to.equal(false);
      expect(schemaErr.body.errors.map((e: { path: string }) => e.path)).to.include('/to');
    });

    it('preview shows the rendered mail, the resolved connection and the MIME size, and sends nothing', async () => {
      const before = sink.received.length;
      const r = await envoi.api('POST', A('platform', 'send-email', 'preview'), { input: { to: 'a@customer.test', subject: 'Hi {{n}}', html: '<b>{{n}}</b>', data: { n: 'Bob' } } });
      expect(r.status, r.text).to.equal(200);
      expect(r.body).to.include({ subject: 'Hi Bob', html: '<b>Bob</b>' });
      expect(r.body.text.trim()).to.equal('Bob');
      expect(r.body.connection).to.deep.include({ name: 'Main', provider: 'smtp' });
      expect(r.body.mimeSize).to.be.within(200, 5000);
      const inv = await envoi.api('POST', A('platform', 'send-invitation', 'preview'), { input: { to: 'a@customer.test', appName: 'Acme', link: 'https://a.test/x', locale: 'de' } });
      expect(inv.body.subject).to.include('Acme');
      // A tenant without its own default previews with the platform default it would use.
      const fallback = await envoi.api('POST', A('lonely', 'send-email', 'preview'), { input: { to: 'a@customer.test', subject: 's', text: 't' } });
      expect(fallback.status).to.equal(200);
      expect(fallback.body.connection).to.deep.include({ name: 'Main' });
      await sleep(100);
      expect(sink.received.length).to.equal(before);
    });

    it('create-ics answers the file at once, reading wall times in the given time zone', async () => {
      const r = await envoi.api('POST', A('platform', 'create-ics', 'execute'), { input: { title: 'Standup', start: '2026-07-01T09:30', timeZone: 'America/New_York', end: '2026-07-01T09:45', url: 'https://meet.acme.test/standup' } });
      expect(r.status).to.equal(200);
      const ics = Buffer.from(r.body.content, 'base64').toString('utf8');
      expect(ics).to.include('DTSTART:20260701T133000Z');
      expect(ics).to.include('DTEND:20260701T134500Z');
      expect(ics).to.include('METHOD:REQUEST');
      const bad = await envoi.api('POST', A('platform', 'create-ics', 'execute'), { input: { title: 'x', start: '2026-07-01T10:00', end: '2026-07-01T09:00' } });
      expect(bad.status).to.equal(400);
      const both = await envoi.api('POST', A('platform', 'create-ics', 'execute'), { input: { title: 'x', start: '2026-07-01T10:00', end: '2026-07-01T11:00', duration: { hours: 1 } } });
      expect(both.status).to.equal(400);
      const zone = await envoi.api('POST', A('platform', 'create-ics', 'execute'), { input: { title: 'x', start: '2026-07-01T10:00', timeZone: 'Mars/Olympus' } });
      expect(zone.body.error.details[0].path).to.equal('/timeZone');
    });
  });
}
