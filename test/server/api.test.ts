import { expect } from 'chai';
import { PROVIDERS } from '../../connector/providers/registry.js';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';

const C = '/api/v1/scopes/platform/connections';

describe('HTTP API: errors a person can act on, health, presets, manifest', () => {
  let envoi: TestEnvoi;
  before(async () => {
    envoi = await new TestEnvoi({ overrides: { maxMessageBytes: 4096 } }).start();
  });
  after(() => envoi.stop());

  it('GET /health needs no key and names the database', async () => {
    const r = await envoi.api('GET', '/health', undefined, { key: null });
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ status: 'ok', database: 'sqlite' });
    expect(r.body.version).to.match(/^\d+\.\d+\.\d+/);
  });

  it('every invalid field is listed with its path, and nothing is saved', async () => {
    const r = await envoi.api('POST', C, { name: '', senderEmail: 'not-an-address', host: 'bad host!', port: 'abc', secure: 'yes', authMethod: 'CRAM-MD5', extra: 1 });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('VALIDATION_FAILED');
    expect(r.body.error.message).to.be.a('string').and.not.equal('');
    expect(r.body.error.hint).to.be.a('string');
    const paths = r.body.error.details.map((d: { path: string }) => d.path);
    for (const p of ['/name', '/senderEmail', '/host', '/port', '/secure', '/authMethod', '/extra']) expect(paths).to.include(p);
    expect(r.body.error.details.find((d: { path: string }) => d.path === '/authMethod').message).to.match(/PLAIN.*LOGIN.*NONE/);
    expect((await envoi.api('GET', C)).body.items).to.have.length(0);
  });

  it('a display name with a line break is refused (no header injection)', async () => {
    const r = await envoi.api('POST', C, smtpConnection({ host: '127.0.0.1', port: 25 }, { senderName: 'Evil\r\nBcc: victim@x.test', authMethod: 'NONE' }));
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0]).to.deep.equal({ path: '/senderName', message: 'must not contain control characters (line breaks, tabs, …)' });
  });

  it('PLAIN or LOGIN without a user name says how to fix it', async () => {
    const r = await envoi.api('POST', C, smtpConnection({ host: '127.0.0.1', port: 587 }, { authMethod: 'LOGIN' }));
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.equal([{ path: '/user', message: 'is required when authMethod is LOGIN' }]);
    expect(r.body.error.hint).to.match(/same as sender/);
  });

  it('Secure on a STARTTLS port (and off on 465) is saved with a warning and a hint', async () => {
    const on587 = await envoi.api('POST', C, smtpConnection({ host: '127.0.0.1', port: 587 }, { secure: true, authMethod: 'NONE' }));
    expect(on587.status).to.equal(201);
    expect(on587.body.warnings[0]).to.include({ code: 'SECURE_PORT_MISMATCH', hint: 'Turn Secure off or use port 465.' });
    const off465 = await envoi.api('POST', C, smtpConnection({ host: '127.0.0.1', port: 465 }, { secure: false, authMethod: 'NONE' }));
    expect(off465.body.warnings[0].hint).to.match(/Turn Secure on/);
    // Port 465 alone means Secure on.
    const bare465 = await envoi.api('POST', C, smtpConnection({ host: '127.0.0.1', port: 465 }, { authMethod: 'NONE' }));
    expect(bare465.body).to.include({ secure: true });
    expect(bare465.body.warnings).to.deep.equal([]);
  });

  it('a body that is not JSON, or too large, gets its own code', async () => {
    const bad = await envoi.api('POST', C, '{"name":', {});
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('BAD_JSON');
    const big = await envoi.api('POST', C, { name: 'x'.repeat(5000) });
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    expect(big.body.error.hint).to.be.a('string');
  });

  it('unknown routes and connections are 404 with a code', async () => {
    expect((await envoi.api('GET', '/api/v1/nope')).body.error.code).to.equal('NOT_FOUND');
    expect((await envoi.api('GET', `${C}/00000000-0000-0000-0000-000000000000`)).body.error.code).to.equal('CONNECTION_NOT_FOUND');
    const badScope = await envoi.api('GET', '/api/v1/scopes/Bad_Scope/connections');
    expect(badScope.status).to.equal(400);
    expect(badScope.body.error.hint).to.match(/tenant id/);
  });

  it('presets carry host, port, security, auth method and a note', async () => {
    const r = await envoi.api('GET', '/api/v1/presets');
    const ids = r.body.items.map((p: { id: string }) => p.id);
    for (const id of ['gmail', 'outlook-smtp', 'microsoft365', 'sendgrid', 'mailgun', 'amazon-ses', 'brevo', 'postmark']) expect(ids).to.include(id);
    // The admin page picks a preset by id: two alike would offer one under the other's label.
    expect(ids.filter((id: string, i: number) => ids.indexOf(id) !== i), 'preset ids are unique').to.deep.equal([]);
    const gmail = r.body.items.find((p: { id: string }) => p.id === 'gmail');
    expect(gmail.settings).to.include({ host: 'smtp.gmail.com', port: 587, secure: false });
    expect(gmail.note).to.match(/app password/);
    for (const p of r.body.items) expect(p.note, p.id).to.be.a('string').with.length.above(20);
  });

  it('the manifest is served with the connection schema inlined, secrets write-only', async () => {
    const r = await envoi.api('GET', '/api/v1/manifest');
    expect(r.body.connector.settingsSchema.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
    expect(r.body.connector.settingsSchema.properties.password.writeOnly).to.equal(true);
    expect(r.body.connector.settingsSchema.properties.clientSecret.writeOnly).to.equal(true);
    // The provider list and the schema's alternatives come from connector/providers/, default first.
    expect(r.body.connector.providers).to.deep.equal(Object.keys(PROVIDERS).sort((a, b) => Number(b === 'smtp') - Number(a === 'smtp') || a.localeCompare(b)));
    expect(r.body.connector.settingsSchema.oneOf.map((a: { properties: { provider: { const: string } } }) => a.properties.provider.const)).to.deep.equal(r.body.connector.providers);
    expect(r.body.connector.settingsSchema.oneOf[0].title).to.equal('SMTP server');
  });
});

describe('test email: a fixed subject in the admin\'s language', () => {
  let envoi: TestEnvoi;
  let relay: SmtpSink;
  let id: string;
  before(async () => {
    envoi = await new TestEnvoi().start();
    relay = await new SmtpSink({ tls: 'none' }).start();
    id = (await envoi.api('POST', C, smtpConnection(relay, { authMethod: 'NONE', name: 'Relais' }))).body.id;
  });
  after(async () => {
    await envoi.stop();
    await relay.close();
  });

  const subjects: Record<string, string> = {
    en: 'Test email from Envoi',
    fr: "E-mail de test d'Envoi",
    de: 'Test-E-Mail von Envoi',
    nl: 'Test-e-mail van Envoi',
    pt: 'E-mail de teste do Envoi',
    ru: 'Тестовое письмо от Envoi',
  };

  it('each of the six locales, chosen by `locale`, yields its own subject and names the connection', async () => {
    for (const [locale, subject] of Object.entries(subjects)) {
      const r = await envoi.api('POST', `${C}/${id}/test-email`, { to: `${locale}@customer.test`, locale });
      expect(r.body, r.text).to.include({ ok: true, locale, subject });
    }
    const got = await relay.waitFor(6);
    for (const [locale, subject] of Object.entries(subjects)) {
      const m = got.find((g) => g.envelope.to[0] === `${locale}@customer.test`)!;
      expect(m.parsed.subject).to.equal(subject);
      expect(m.parsed.text).to.include('Relais');
      expect(m.parsed.html).to.include('Relais');
    }
  });

  it('Accept-Language picks the locale when none is given, with English as the fallback', async () => {
    const de = await envoi.api('POST', `${C}/${id}/test-email`, { to: 'de2@customer.test' }, { headers: { 'accept-language': 'de-CH, de;q=0.9, en;q=0.5' } });
    expect(de.body).to.include({ locale: 'de', subject: 'Test-E-Mail von Envoi' });
    const es = await envoi.api('POST', `${C}/${id}/test-email`, { to: 'es@customer.test' }, { headers: { 'accept-language': 'es-ES' } });
    expect(es.body).to.include({ locale: 'en', subject: 'Test email from Envoi' });
  });

  it('a bad recipient is refused before anything is sent', async () => {
    const before = relay.received.length;
    const r = await envoi.api('POST', `${C}/${id}/test-email`, { to: 'nobody' });
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].path).to.equal('/to');
    expect(relay.received.length).to.equal(before);
  });
});
