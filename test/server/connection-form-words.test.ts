import { expect } from 'chai';
import fs from 'node:fs';
import { TestEnvoi, tableLookup } from '../support/harness.js';

/**
 * The connection form's words in the admin's language (issue #17): with Accept-Language de, the
 * manifest's connection schema (labels, help, hints, sections, enum labels, summaries), the presets
 * and a saved connection's warnings are German, their codes, values and fixes' settings unchanged;
 * without the header, English as before. The German expected here is read from the provider's
 * settings.i18n.json, so the test follows the translators.
 */
const C = '/api/v1/scopes/platform/connections';
const words = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
const SMTP_DE = words('connector/providers/smtp/settings.i18n.json').de!;
const COMMON_DE = words('schemas/connection-common.i18n.json').de!;
const de = { headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' } };

type Schema = { title?: string; properties: Record<string, Schema & { 'x-envoi'?: { enumLabels?: Record<string, string>; hints?: Array<{ text: string }> } }>; oneOf: Schema[]; 'x-envoi'?: { sections?: Array<{ id: string; title: string }>; summary?: { signin?: Array<{ text: string }> } } };

describe('connection form words follow Accept-Language (API)', function () {
  this.timeout(30_000);
  let envoi: TestEnvoi;

  before(async () => {
    // smtp.office365.com resolves to loopback, so a connection to it passes the network policy offline.
    envoi = await new TestEnvoi({ lookup: tableLookup({ 'smtp.office365.com': ['127.0.0.1'] }) }).start();
  });
  after(async () => envoi?.stop());

  it('a password connection to Exchange Online warns in German, its fix labelled in German, the settings the same', async () => {
    const body = { name: 'Exchange basic', host: 'smtp.office365.com', port: 587, authMethod: 'LOGIN', user: 'mailer@contoso.test', password: 'basic-password', senderEmail: 'alerts@contoso.test' };
    const created = await envoi.api('POST', C, body, de);
    expect(created.status, created.text).to.equal(201);
    const retiring = created.body.warnings.find((w: { code: string }) => w.code === 'SMTP_BASIC_AUTH_RETIRING');
    expect(retiring.message).to.equal(SMTP_DE['warnings/SMTP_BASIC_AUTH_RETIRING/message']!.replace('{host}', 'smtp.office365.com'));
    expect(retiring.message).to.match(/^smtp\.office365\.com mit Passwort: Microsoft schaltet/);
    expect(retiring.hint).to.match(/^Wechseln Sie zu OAuth/);
    expect(retiring.fix).to.deep.equal({ label: 'Zu OAuth wechseln (XOAUTH2)', set: { authMethod: 'XOAUTH2' } });

    // The same connection read in English and in German: only the words differ.
    const english = await envoi.api('GET', `${C}/${created.body.id}`);
    const german = await envoi.api('GET', `${C}/${created.body.id}`, undefined, de);
    expect(english.body.warnings[0]).to.include({ code: 'SMTP_BASIC_AUTH_RETIRING', message: 'smtp.office365.com with a password: Microsoft switches SMTP basic authentication off by default at the end of December 2026 (MC786329), and this connection will stop sending' });
    expect(english.body.warnings[0].fix.label).to.equal('Switch to OAuth (XOAUTH2)');
    expect({ ...german.body, warnings: [] }).to.deep.equal({ ...english.body, warnings: [] });
    expect(german.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal(english.body.warnings.map((w: { code: string }) => w.code));
    expect(german.body.warnings[0].message).to.equal(retiring.message);

    // An edit that adds a warning with a value in it (the port), in the list too.
    const edited = await envoi.api('PATCH', `${C}/${created.body.id}`, { secure: true, password: 'basic-password' }, de);
    expect(edited.status, edited.text).to.equal(200);
    const mismatch = edited.body.warnings.find((w: { code: string }) => w.code === 'SECURE_PORT_MISMATCH');
    expect(mismatch).to.deep.equal({ code: 'SECURE_PORT_MISMATCH', message: 'Port 587 erwartet meist STARTTLS, aber Sicher (TLS ab dem ersten Byte) ist eingeschaltet', hint: 'Schalten Sie Sicher aus oder verwenden Sie Port 465.' });
    const list = await envoi.api('GET', C, undefined, de);
    expect(list.body.items[0].warnings.map((w: { message: string }) => w.message)).to.include(mismatch.message);
  });

  it('the manifest\'s connection schema and the presets are German with Accept-Language de, English without it', async () => {
    const en = await envoi.api('GET', '/api/v1/manifest');
    const ge = await envoi.api('GET', '/api/v1/manifest', undefined, de);
    expect(ge.headers.get('content-language')).to.equal('de');
    expect(ge.headers.get('vary')).to.match(/accept-language/i);
    expect(en.headers.get('content-language')).to.equal('en');
    const schema = ge.body.connector.settingsSchema as Schema;
    const smtp = schema.oneOf.find((p) => p.title === 'SMTP-Server')!;
    expect(smtp, 'the SMTP provider titled in German').to.exist;
    expect(smtp['x-envoi']!.sections!.map((s) => s.title)).to.deep.equal(['Server', 'Anmeldung', 'Bounces']);
    expect(smtp.properties.host!.title).to.equal('SMTP-Host');
    expect(smtp.properties.authMethod!['x-envoi']!.enumLabels!.NONE).to.equal('NONE (ohne Anmeldung, z. B. ein Relay)');
    expect(smtp.properties.port!['x-envoi']!.hints![2]!.text).to.equal('Port {port} erwartet STARTTLS: Sicher ausgeschaltet. Schalten Sie Sicher aus oder verwenden Sie Port 465.');
    expect(smtp['x-envoi']!.summary!.signin![1]!.text).to.equal('{authMethod} · wie Absender');
    expect(schema['x-envoi']!.sections![1]!.title).to.equal(COMMON_DE['/x-envoi/sections/1/title']);
    expect(schema.properties.senderEmail!.title).to.equal('Absenderadresse');
    // Only words change: the schema validates the same (enums, patterns, required) in every language.
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (['title', 'description', 'text', 'placeholder', 'enumLabels', 'summary'].includes(k) ? undefined : v));
    expect(strip(schema)).to.equal(strip(en.body.connector.settingsSchema));
    expect((en.body.connector.settingsSchema as Schema).oneOf[0]!.title).to.equal('SMTP server');

    const presets = await envoi.api('GET', '/api/v1/presets', undefined, de);
    expect(presets.headers.get('content-language')).to.equal('de');
    const gmail = presets.body.items.find((p: { id: string }) => p.id === 'gmail');
    expect(gmail.note).to.equal(SMTP_DE['presets/gmail/note']);
    expect(gmail.suggestedRateLimit).to.deep.equal({ messages: 500, perSeconds: 86400, reason: SMTP_DE['presets/gmail/reason'] });
    expect(presets.body.items.find((p: { id: string }) => p.id === 'custom-smtp').label).to.equal('Anderer SMTP-Server');
    const english = await envoi.api('GET', '/api/v1/presets');
    expect(english.body.items.find((p: { id: string }) => p.id === 'custom-smtp').label).to.equal('Other SMTP server');
    expect(presets.body.items.map((p: { id: string; provider: string }) => `${p.id}:${p.provider}`)).to.deep.equal(english.body.items.map((p: { id: string; provider: string }) => `${p.id}:${p.provider}`));
  });
});
