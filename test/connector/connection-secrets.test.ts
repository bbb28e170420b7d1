import { expect } from 'chai';
import { changedBinding } from '../../connector/connection-secrets.js';
import { caFingerprint } from '../../connector/providers/smtp/ca-fingerprint.js';
import type { ConnectionSettings } from '../../connector/store/connections.js';
import { testPki } from '../support/certs.js';

const smtp = (s: Partial<ConnectionSettings>) => ({
  provider: 'smtp' as const,
  settings: { senderEmail: 'a@envoi.test', host: 'mail.acme.test', port: 587, authMethod: 'PLAIN', user: 'u', secure: false, requireTLS: false, allowInvalidCertificates: false, ...s } as ConnectionSettings,
});

describe('what a stored secret is bound to', () => {
  it('a CA certificate counts by its content: line breaks, indentation and text around the PEM block do not', () => {
    const ca = testPki().caCert;
    const same = [ca.replace(/\n/g, '\r\n'), ca.split('\n').map((l) => `\t${l}  `).join('\n'), `subject=CN = Envoi Test CA\n${ca}\n\n`];
    for (const variant of same) expect(caFingerprint(variant)).to.equal(caFingerprint(ca));
    expect(caFingerprint(testPki().selfSignedCert)).to.not.equal(caFingerprint(ca));
    expect(caFingerprint(`${ca}${testPki().selfSignedCert}`)).to.not.equal(caFingerprint(ca));
    expect(caFingerprint(undefined)).to.equal('');
  });

  it('names every bound setting that changed, and nothing else', () => {
    const ca = testPki().caCert;
    const before = smtp({ caCertificate: ca });
    const table: Array<[Partial<ConnectionSettings>, string[]]> = [
      [{ senderName: 'x', replyTo: 'r@envoi.test', rateLimit: { messages: 1, perSeconds: 1 } }, []],
      [{ host: 'MAIL.ACME.TEST' }, []],
      [{ host: 'evil.test' }, ['host']],
      [{ port: 2525 }, ['port']],
      [{ user: 'v' }, ['user']],
      [{ authMethod: 'LOGIN' }, ['authMethod']],
      [{ secure: true }, ['secure']],
      [{ requireTLS: true }, ['requireTLS']],
      [{ allowInvalidCertificates: true }, ['allowInvalidCertificates']],
      [{ caCertificate: undefined }, ['caCertificate']],
      [{ caCertificate: testPki().selfSignedCert, allowInvalidCertificates: true }, ['allowInvalidCertificates', 'caCertificate']],
    ];
    for (const [change, expected] of table) {
      expect(changedBinding(before, smtp({ caCertificate: ca, ...change })), JSON.stringify(change)).to.deep.equal(expected);
    }
    const m365 = (s: Partial<ConnectionSettings>) => ({ provider: 'microsoft365' as const, settings: { senderEmail: 'a@envoi.test', tenantId: 'contoso.test', clientId: '00000000-0000-4000-8000-000000000001', ...s } as ConnectionSettings });
    expect(changedBinding(m365({}), m365({ senderName: 'x' }))).to.deep.equal([]);
    expect(changedBinding(m365({}), m365({ tenantId: 'fabrikam.test' }))).to.deep.equal(['tenantId']);
    expect(changedBinding(before, m365({}))).to.deep.equal(['provider']);
  });
});
