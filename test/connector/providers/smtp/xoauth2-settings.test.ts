import { expect } from 'chai';
import { EnvoiError } from '../../../../connector/errors.js';
import { PROVIDERS } from '../../../../connector/providers/registry.js';
import { smtpTransportOptions } from '../../../../connector/providers/smtp/smtp-options.js';
import type { ResolvedConnection } from '../../../../connector/connections.js';
import type { ConnectionSettings } from '../../../../connector/store/connections.js';
import { readSchema } from '../../../../schemas/validator.js';

const smtp = PROVIDERS.smtp;
const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '0b6c5e2a-9f1e-4a6b-8c41-6d3e2f1a7b90';
const settings = (s: Partial<ConnectionSettings>) => ({ senderEmail: 'mailer@contoso.test', host: 'smtp.office365.com', port: 587, secure: false, user: 'mailer@contoso.test', ...s }) as ConnectionSettings;
const codes = (s: Partial<ConnectionSettings>) => smtp.warnings(settings(s)).map((w) => w.code);

describe('SMTP XOAUTH2 settings: secret, binding, warning, schema', () => {
  it('the secret is the client secret with XOAUTH2 and the password otherwise', () => {
    expect(smtp.secret(settings({ authMethod: 'XOAUTH2' })).field).to.equal('clientSecret');
    expect(smtp.secret(settings({ authMethod: 'LOGIN' })).field).to.equal('password');
    expect(smtp.needsSecret(settings({ authMethod: 'XOAUTH2', user: undefined, userSameAsSender: true }))).to.equal(true);
  });

  it('a client secret is bound to the app as well; a password keeps the binding it was sealed with', () => {
    const password = smtp.binding(settings({ authMethod: 'PLAIN', tenantId: TENANT }));
    expect(password.map(([k]) => k)).to.deep.equal(['host', 'port', 'user', 'authMethod', 'secure', 'requireTLS', 'allowInvalidCertificates', 'caCertificate']);
    const oauth = smtp.binding(settings({ authMethod: 'XOAUTH2', tenantId: 'Contoso.onmicrosoft.com', clientId: CLIENT.toUpperCase() }));
    expect(oauth.slice(-2)).to.deep.equal([['tenantId', TENANT], ['clientId', CLIENT]]);
  });

  it('XOAUTH2 without the app\'s ids is VALIDATION_FAILED naming them; another method drops them', async () => {
    const ctx = { policy: { allowPrivateHosts: true, allowedPorts: new Set([587]) }, lookup: async () => ['127.0.0.1'], owner: { scope: 'platform', id: 'x' } } as never;
    const err = await smtp.normalize({ host: 'localhost', authMethod: 'XOAUTH2', user: 'u@contoso.test', tenantId: TENANT }, ctx).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EnvoiError);
    expect((err as EnvoiError).details).to.deep.equal([{ path: '/clientId', message: 'is required when authMethod is XOAUTH2' }]);
    const plain = await smtp.normalize({ host: 'localhost', authMethod: 'PLAIN', user: 'u', tenantId: TENANT, clientId: CLIENT }, ctx);
    expect(plain.settings).not.to.have.any.keys('tenantId', 'clientId');
  });

  it('SMTP_BASIC_AUTH_RETIRING only for Exchange Online\'s SMTP hosts with a password', () => {
    expect(codes({ authMethod: 'LOGIN' })).to.include('SMTP_BASIC_AUTH_RETIRING');
    expect(codes({ authMethod: 'PLAIN', host: 'SMTP-Legacy.Office365.com.' })).to.include('SMTP_BASIC_AUTH_RETIRING');
    expect(codes({ authMethod: 'XOAUTH2' })).not.to.include('SMTP_BASIC_AUTH_RETIRING');
    expect(codes({ authMethod: 'NONE' })).not.to.include('SMTP_BASIC_AUTH_RETIRING');
    expect(codes({ authMethod: 'PLAIN', host: 'smtp.gmail.com' })).not.to.include('SMTP_BASIC_AUTH_RETIRING');
  });

  it('nodemailer gets an OAuth2 login as the mailbox, with the token provider and no password', () => {
    const provision = () => {};
    const conn = { settings: settings({ authMethod: 'XOAUTH2', user: undefined, userSameAsSender: true, tenantId: TENANT, clientId: CLIENT }), secrets: { clientSecret: 's' } } as unknown as ResolvedConnection;
    const o = smtpTransportOptions(conn, '127.0.0.1', { smtpTimeouts: { connection: 1, greeting: 1, socket: 1, dns: 1 } }, true, provision);
    expect(o.auth).to.deep.equal({ type: 'OAuth2', user: 'mailer@contoso.test', provisionCallback: provision });
    expect(o).to.include({ authMethod: 'XOAUTH2', requireTLS: true, forceAuth: true });
  });

  it('the composed schema shares one definition of the app\'s fields with Microsoft 365, and the presets use it', () => {
    const schema = readSchema('connection.schema.json') as { properties: Record<string, { anyOf?: unknown; enum?: string[] }> };
    expect(schema.properties.authMethod!.enum).to.include('XOAUTH2');
    for (const f of ['tenantId', 'clientId', 'clientSecret']) expect(schema.properties[f], f).not.to.have.property('anyOf');
    const preset = smtp.presets.find((p) => p.id === 'exchange-online-oauth')!;
    expect(preset.settings).to.include({ host: 'smtp.office365.com', port: 587, secure: false, authMethod: 'XOAUTH2' });
    expect(preset.note).to.match(/SMTP\.SendAsApp.*New-ServicePrincipal.*Add-MailboxPermission/);
    expect(smtp.presets.find((p) => p.id === 'outlook-smtp')!.note).to.match(/December 2026/);
  });
});
