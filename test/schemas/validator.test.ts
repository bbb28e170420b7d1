import { expect } from 'chai';
import { EnvoiError } from '../../schemas/errors.js';
import type { EmailConnection, KeyRequest, SchemaTypes, SendInvitationInput, SendSignupConfirmationInput, SystemMailInput } from '../../schemas/types.js';
import { check, validate } from '../../schemas/validator.js';

// Type-level assertions: tsc (npm run build) fails when validate() stops returning the schema's
// generated type, or when the hand-typed shapes drift from the generated ones.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeIs = <T extends true>(): T | undefined => undefined;

describe('schemas: validate(name, value) returns the schema’s generated type', () => {
  it('a valid connection comes back as an EmailConnection (checked by tsc), unchanged', () => {
    const body: unknown = { name: 'Newsletters', senderEmail: 'news@example.com', host: 'smtp.example.com', port: 587 };
    const connection = validate('connection', body);
    typeIs<Equal<typeof connection, EmailConnection>>();
    typeIs<Equal<ReturnType<typeof validate<'key-request'>>, KeyRequest>>();
    typeIs<Equal<SchemaTypes['system-mail.input'], SystemMailInput>>();
    // Both system mails' inputs have every shared field, with the same types.
    const shared = (i: SendInvitationInput | SendSignupConfirmationInput): SystemMailInput => i;
    expect(shared).to.be.a('function');
    // A name that is not a schema of schemas/ does not compile.
    // @ts-expect-error "no-such-schema" is not a SchemaName
    expect(() => validate('no-such-schema', {})).to.throw();
    expect(connection).to.equal(body);
    expect(connection.host).to.equal('smtp.example.com');
  });

  it('an invalid value throws VALIDATION_FAILED naming the value and each field', () => {
    let thrown: unknown;
    try {
      validate('connection', { name: 'x', senderEmail: 'not an address', port: 0 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(EnvoiError);
    const e = thrown as EnvoiError;
    expect(e.code).to.equal('VALIDATION_FAILED');
    expect(e.status).to.equal(400);
    expect(e.message).to.match(/^The connection is not valid: /);
    expect(e.details?.map((d) => d.path)).to.include.members(['/senderEmail', '/port']);
    expect(() => validate('key-request', { role: 'owner' })).to.throw(EnvoiError, /^The key request is not valid/);
  });
});

describe('schemas: x-envoi-check, what Envoi checks beyond the standard formats', () => {
  const smtp = (host: string) => ({ name: 'x', senderEmail: 'a@example.com', host });
  const m365 = (tenantId: string) => ({ name: 'x', provider: 'microsoft365', senderEmail: 'a@example.com', tenantId, clientId: '00000000-0000-0000-0000-000000000000', clientSecret: 's' });
  const event = (fields: Record<string, string>) => ({ title: 'x', start: '2026-07-01', ...fields });
  const problems = (file: string, value: unknown) => check(file, value).errors;

  it('host: a host name or an IP address (IPv6 with or without brackets)', () => {
    for (const ok of ['smtp.example.com', 'localhost', '192.0.2.1', '2001:db8::1', '[2001:db8::1]']) expect(problems('connection.schema.json', smtp(ok)), ok).to.deep.equal([]);
    for (const bad of ['bad host!', '-smtp.example.com', 'a..b']) expect(problems('connection.schema.json', smtp(bad)), bad).to.deep.equal([{ path: '/host', message: 'must be a host name or an IP address' }]);
  });

  it('tenant-id: a GUID or a domain with a dot', () => {
    for (const ok of ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com']) expect(problems('connection.schema.json', m365(ok)), ok).to.deep.equal([]);
    for (const bad of ['contoso', 'not a tenant']) expect(problems('connection.schema.json', m365(bad)).map((e) => e.path), bad).to.deep.equal(['/tenantId']);
  });

  it('date-time-or-date and time-zone: one problem per field, whether the shape or the value is wrong', () => {
    expect(problems('create-ics.input.schema.json', event({ end: '2026-07-01T10:00+02:00', timeZone: 'Europe/Paris' }))).to.deep.equal([]);
    expect(problems('create-ics.input.schema.json', event({ end: '2026-07-01 10:00' }))).to.deep.equal([{ path: '/end', message: 'must be an ISO 8601 date-time or date' }]);
    expect(problems('create-ics.input.schema.json', event({ end: '2026-13-45' }))).to.deep.equal([{ path: '/end', message: 'must be an ISO 8601 date-time or date' }]);
    expect(problems('create-ics.input.schema.json', event({ timeZone: 'Mars/Olympus' }))).to.deep.equal([{ path: '/timeZone', message: 'must be an IANA time zone such as Europe/Paris' }]);
  });
});
