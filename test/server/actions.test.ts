import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ACTIONS } from '../../actions/registry.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { sleep } from '../support/wait.js';

const A = (scope: string, action: string, verb: string) => `/api/v1/scopes/${scope}/actions/${action}/${verb}`;

for (const backend of BACKENDS) {
  describe(`workflow actions (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let sink: SmtpSink;
    let drop: (() => Promise<void>) | undefined;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { pollMs: 50 } }).start();
      sink = await new SmtpSink({ tls: 'none' }).start();
      const r = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { name: 'Main', authMethod: 'NONE', isDefault: true, senderName: 'Acme' }));
      expect(r.status).to.equal(201);
    });
    after(async () => {
      await envoi?.stop();
      await sink?.close();
      await drop?.();
    });

    /** Executes with ?wait and returns the mail the sink received for it. */
    const send = async (action: string, input: Record<string, unknown>, scope = 'platform') => {
      const r = await envoi.api('POST', `${A(scope, action, 'execute')}?wait=10`, { input });
      expect(r.status, r.text).to.equal(200);
      expect(r.body.status, r.text).to.equal('sent');
      const got = sink.received.find((m) => m.parsed.messageId === r.body.messageId);
      expect(got, 'mail not received').to.not.equal(undefined);
      return got!;
    };
    /** Expects a 400 and that nothing was queued or received. */
    const refused = async (input: Record<string, unknown>, path?: string) => {
      const before = sink.received.length;
      const queued = (await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=500')).body.items.length;
      const r = await envoi.api('POST', A('platform', 'send-email', 'execute'), { input });
      expect(r.status, r.text).to.equal(400);
      if (path) expect(r.body.error.details.map((d: { path: string }) => d.path), r.text).to.include(path);
      expect((await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=500')).body.items.length, 'something was queued').to.equal(queued);
      expect(sink.received.length).to.equal(before);
      return r;
    };

    it('variables render; html escapes values, subject does not; the text part is derived, links kept', async () => {
      const got = await send('send-email', {
        to: 'Grace Hopper <grace@customer.test>',
        subject: 'Order {{order.id}} for {{name}}',
        html: '<h1>Hello {{name}}</h1><p>Your order <a href="https://shop.test/orders/{{order.id}}">{{order.id}}</a> ships {{formatDate order.ships locale="en"}}.</p><p>{{default note "No note"}}</p>',
        data: { name: 'Ada <script>alert(1)</script> & Co', order: { id: 42, ships: '2026-12-24T10:00:00Z' } },
      });
      expect(got.parsed.subject).to.equal('Order 42 for Ada <script>alert(1)</script> & Co');
      expect(got.parsed.html).to.include('Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
      expect(got.parsed.html).not.to.include('<script>');
      expect(got.parsed.html).to.include('December 24, 2026');
      expect(got.parsed.html).to.include('No note');
      const text = got.parsed.text!;
      expect(text).not.to.match(/<\/?(p|h1|a)\b/);
      expect(text).to.include('42 [https://shop.test/orders/42]');
      expect(text).to.include('December 24, 2026');
      expect(got.parsed.from!.value[0]).to.deep.include({ name: 'Acme', address: 'sender@envoi.test' });
    });

    it('bcc is in the envelope and never in the headers; cc, replyTo, priority and X- headers arrive', async () => {
      const got = await send('send-email', {
        to: ['a@customer.test'],
        cc: 'Carol <carol@customer.test>',
        bcc: ['hidden@customer.test'],
        replyTo: 'Support <support@acme.test>',
        subject: 'Headers',
        text: 'x',
        priority: 'high',
        headers: { 'X-Campaign': 'winter-2026', 'X-Workflow-Run': 'run-7' },
      });
      expect(got.envelope.to).to.have.members(['a@customer.test', 'carol@customer.test', 'hidden@customer.test']);
      expect(got.raw).not.to.match(/hidden@customer\.test/);
      expect(got.parsed.headers.has('bcc')).to.equal(false);
      expect(got.parsed.cc && !Array.isArray(got.parsed.cc) ? got.parsed.cc.value[0] : undefined).to.deep.include({ name: 'Carol', address: 'carol@customer.test' });
      expect(got.parsed.replyTo!.value[0]).to.deep.include({ address: 'support@acme.test' });
      expect(got.raw).to.match(/^X-Priority: 1/m);
      expect(got.raw).to.match(/^Importance: High/im);
      expect(got.parsed.headers.get('x-campaign')).to.equal('winter-2026');
      expect(got.parsed.headers.get('x-workflow-run')).to.equal('run-7');
      expect(got.parsed.inReplyTo).to.equal(undefined);
    });

    it('a 3 KB binary attachment arrives byte for byte; a referenced image is inline, an unreferenced one is not', async () => {
      const binary = crypto.randomBytes(3072);
      const png = crypto.randomBytes(200);
      const got = await send('send-email', {
        to: 'a@customer.test',
        subject: 'Files',
        html: '<p>Logo: <img src="cid:logo@acme"></p>',
        attachments: [
          { filename: 'report.bin', contentType: 'application/octet-stream', content: binary.toString('base64') },
          { filename: 'logo.png', contentType: 'image/png', content: png.toString('base64'), cid: 'logo@acme' },
          { filename: 'unused.png', contentType: 'image/png', content: png.toString('base64'), cid: 'not-in-html' },
        ],
      });
      const byName = (n: string) => got.parsed.attachments.find((a) => a.filename === n)!;
      expect(Buffer.compare(byName('report.bin').content, binary)).to.equal(0);
      expect(byName('report.bin').contentDisposition).to.equal('attachment');
      expect(byName('logo.png').related).to.equal(true);
      expect(byName('logo.png').contentId).to.equal('<logo@acme>');
      expect(Buffer.compare(byName('logo.png').content, png)).to.equal(0);
      expect(byName('unused.png').related).to.not.equal(true);
      expect(byName('unused.png').contentDisposition).to.equal('attachment');
    });

    it('attachments with path or href, non-X headers, and CR/LF in headers, subjects or names are refused; nothing is sent', async () => {
      await refused({ to: 'a@customer.test', subject: 's', text: 't', attachments: [{ filename: 'passwd', path: '/etc/passwd' }] }, '/attachments/0/path');
      await refused({ to: 'a@customer.test', subject: 's', text: 't', attachments: [{ filename: 'x', href: 'http://169.254.169.254/latest/meta-data/' }] }, '/attachments/0/href');
      await refused({ to: 'a@customer.test', subject: 's', text: 't', headers: { Bcc: 'spy@evil.test' } });
      await refused({ to: 'a@customer.test', subject: 's', text: 't', headers: { From: 'ceo@acme.test' } });
      await refused({ to: 'a@customer.test', subject: 's', text: 't', headers: { 'X-Ok': 'a\r\nBcc: spy@evil.test' } }, '/headers/X-Ok');
      await refused({ to: 'a@customer.test', subject: 'Hi\r\nBcc: spy@evil.test', text: 't' }, '/subject');
      await refused({ to: 'Evil\r\nBcc: spy@evil.test <a@customer.test>', subject: 's', text: 't' }, '/to');
      await refused({ to: 'a@customer.test', subject: 'Hi {{name}}', text: 't', data: { name: 'x\r\nBcc: spy@evil.test' } }, '/subject');
      await refused({ to: 'a@customer.test', subject: 's', text: 't', replyTo: 'a@customer.test\nBcc: spy@evil.test' }, '/replyTo');
    });

    it('an invite carries METHOD:REQUEST, UID, SEQUENCE, DTSTART and the attendees; a newline in the title adds nothing', async () => {
      const event = {
        title: 'Quarterly review\r\nATTENDEE:mailto:intruder@evil.test',
        start: '2026-12-01T10:00',
        timeZone: 'Europe/Paris',
        duration: { hours: 1 },
        location: 'Room 4; floor 2',
        organizer: { name: 'Ada', email: 'ada@acme.test' },
        attendees: [{ name: 'Grace', email: 'grace@customer.test', rsvp: true }],
        alarms: [{ minutesBefore: 15 }],
        uid: 'review-2026-q4@acme.test',
        sequence: 0,
      };
      const got = await send('send-email', { to: 'grace@customer.test', subject: 'Invite', text: 'See the invite', calendarEvent: event });
      const cal = got.raw.includes('text/calendar') ? got.parsed.attachments.find((a) => /calendar/.test(a.contentType))! : undefined;
      expect(cal, 'no text/calendar part').to.not.equal(undefined);
      const ics = cal!.content.toString('utf8');
      expect(got.raw).to.match(/text\/calendar; charset=utf-8; method=REQUEST/i);
      for (const line of ['METHOD:REQUEST', 'UID:review-2026-q4@acme.test', 'SEQUENCE:0', 'DTSTART:20261201T090000Z', 'BEGIN:VALARM']) expect(ics).to.include(line);
      // RFC 5545 folds long lines; unfold before reading properties.
      const unfolded = ics.replace(/\r?\n[ \t]/g, '');
      expect(unfolded).to.match(/ATTENDEE;RSVP=TRUE;.*CN="?Grace"?.*:mailto:grace@customer\.test/);
      expect(unfolded.split(/\r?\n/).filter((l) => /^ATTENDEE/.test(l)), 'a property was injected').to.have.length(1);

      const cancel = await envoi.api('POST', A('platform', 'create-ics', 'execute'), { input: { ...event, method: 'CANCEL', sequence: 1 } });
      expect(cancel.status).to.equal(200);
      expect(cancel.body.filename).to.match(/^quarterly-review[\w-]*\.ics$/);
      expect(cancel.body.contentType).to.match(/^text\/calendar.*method=CANCEL/);
      const cancelled = Buffer.from(cancel.body.content, 'base64').toString('utf8');
      for (const line of ['METHOD:CANCEL', 'STATUS:CANCELLED', 'UID:review-2026-q4@acme.test', 'SEQUENCE:1']) expect(cancelled).to.include(line);
    });

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

describe('manifest, registry and schemas agree', () => {
  const root = path.resolve('.');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));

  it('every manifest action is a registered action with the same key, version, labels and schemas', () => {
    expect(manifest.actions.map((a: { key: string }) => a.key).sort()).to.deep.equal([...ACTIONS.keys()].sort());
    for (const a of manifest.actions) {
      const def = ACTIONS.get(a.key)!;
      expect(a, a.key).to.deep.include({ version: def.version, title: def.title, description: def.description, inputSchema: `schemas/${def.inputSchema}`, outputSchema: `schemas/${def.outputSchema}` });
    }
  });

  it('every schema the manifest names exists, is draft 2020-12 and has an $id matching its file', () => {
    const files = [manifest.connector.settingsSchema, ...manifest.actions.flatMap((a: { inputSchema: string; outputSchema: string }) => [a.inputSchema, a.outputSchema])];
    for (const f of files) {
      const s = JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
      expect(s.$schema, f).to.equal('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id, f).to.equal(`https://envoi.dev/${f}`);
    }
  });

  it('GET /manifest inlines every schema, with referenced schemas bundled; GET /actions lists the registry', async () => {
    const envoi = await new TestEnvoi().start();
    try {
      const builder = await envoi.key('builder', 'acme');
      const m = await envoi.api('GET', '/api/v1/manifest', undefined, { key: builder });
      const sendEmail = m.body.actions.find((a: { key: string }) => a.key === 'send-email');
      expect(sendEmail.inputSchema.properties.to).to.be.an('object');
      expect(sendEmail.inputSchema.$defs['calendar-event.schema.json'].$id).to.equal('https://envoi.dev/schemas/calendar-event.schema.json');
      const list = await envoi.api('GET', '/api/v1/actions', undefined, { key: builder });
      expect(list.body.items.map((a: { key: string }) => a.key).sort()).to.deep.equal([...ACTIONS.keys()].sort());
    } finally {
      await envoi.stop();
    }
  });
});
