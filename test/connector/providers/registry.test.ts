import { expect } from 'chai';
import { PROVIDER_LIST, PROVIDERS } from '../../../connector/providers/registry.js';
import { check, readSchema } from '../../../schemas/validator.js';

type Alternative = { properties: Record<string, { const?: string }>; required: string[] };
const schema = readSchema('connection.schema.json') as { properties: Record<string, { enum?: string[]; writeOnly?: boolean }>; oneOf: Alternative[] };

describe('providers: the registry and the connection schema say the same', () => {
  it('every registered provider is one alternative of the schema, told apart by its provider', () => {
    const keys = Object.keys(PROVIDERS).sort();
    expect(schema.properties.provider!.enum!.slice().sort()).to.deep.equal(keys);
    expect(schema.oneOf.map((a) => a.properties.provider!.const).sort()).to.deep.equal(keys);
    for (const p of PROVIDER_LIST) expect(p.key).to.be.oneOf(keys);
  });

  it('each provider\'s fields are in the schema, and its secret is write-only', () => {
    for (const p of PROVIDER_LIST) {
      for (const f of p.fields) expect(schema.properties, `${p.key}.${f}`).to.have.property(f);
      const field = p.secret({ senderEmail: 'a@envoi.test' }).field;
      expect(schema.properties[field]!.writeOnly, field).to.equal(true);
    }
  });

  it('a Microsoft 365 connection missing its ids names only those ids, never the SMTP host', () => {
    const r = check('connection.schema.json', { name: 'M', senderEmail: 'a@envoi.test', provider: 'microsoft365' });
    expect(r.errors).to.deep.equal([
      { path: '/tenantId', message: 'is required' },
      { path: '/clientId', message: 'is required' },
    ]);
    const smtp = check('connection.schema.json', { name: 'S', senderEmail: 'a@envoi.test' });
    expect(smtp.errors).to.deep.equal([{ path: '/host', message: 'is required' }]);
  });

  it('only Microsoft 365 keeps Bcc in the MIME and skips Envoi\'s DKIM signature', () => {
    expect(PROVIDERS.smtp.keepsBcc).to.equal(false);
    expect(PROVIDERS.smtp.signsWithEnvoiDkim).to.equal(true);
    expect(PROVIDERS.microsoft365.keepsBcc).to.equal(true);
    expect(PROVIDERS.microsoft365.signsWithEnvoiDkim).to.equal(false);
  });
});
