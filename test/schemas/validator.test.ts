import { expect } from 'chai';
import { EnvoiError } from '../../schemas/errors.js';
import type { EmailConnection, KeyRequest, SchemaTypes, SendInvitationInput, SendSignupConfirmationInput, SystemMailInput } from '../../schemas/types.js';
import { validate } from '../../schemas/validator.js';

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
