import { expect } from 'chai';
import { checkDomain, parseAddressList, parseMailbox } from '../../actions/addresses.js';

describe('addresses: each entry is exactly `addr` or `Name <addr>`, and what is sent is what was checked', () => {
  const accepted: Array<[string, string, string]> = [
    ['ada@example.com', '', 'ada@example.com'],
    ['  ada@example.com  ', '', 'ada@example.com'],
    ['Ada Lovelace <ada@example.com>', 'Ada Lovelace', 'ada@example.com'],
    ['Dr. Ada   Lovelace <ada@example.com>', 'Dr. Ada Lovelace', 'ada@example.com'],
    ['"Lovelace, Ada" <ada@example.com>', 'Lovelace, Ada', 'ada@example.com'],
    ['"Ada \\"the Countess\\" (L)" <ada@example.com>', 'Ada "the Countess" (L)', 'ada@example.com'],
    ['<ada@example.com>', '', 'ada@example.com'],
    ['Ada < ada@example.com >', 'Ada', 'ada@example.com'],
    ["o'brien+tag@mail.example.co.uk", '', "o'brien+tag@mail.example.co.uk"],
    ['Ada@Example.COM', '', 'Ada@Example.COM'],
    ['Jürgen <j@münchen.de>', 'Jürgen', 'j@xn--mnchen-3ya.de'],
    ['j@xn--mnchen-3ya.de', '', 'j@xn--mnchen-3ya.de'],
    ['Андрей <a@пример.рф>', 'Андрей', 'a@xn--e1afmkfd.xn--p1ai'],
  ];
  for (const [entry, name, address] of accepted) {
    it(`accepts ${JSON.stringify(entry)} as ${address}`, () => {
      expect(parseMailbox(entry)).to.deep.equal({ ok: true, mailbox: { name, address } });
    });
  }

  const refused: Array<[string, RegExp]> = [
    ['u@good(x)evil.example', /comment/],
    ['(comment) u@good.example', /comment/],
    ['<a@x.example> b@y.example', /more than one address/],
    ['a@x.example, b@y.example', /more than one address/],
    ['a@x.example b@y.example', /more than one address/],
    ['Ada <a@x.example> trailing', /more than one address/],
    ['a@b@evil.example', /more than one address/],
    ['Friends: a@x.example, b@y.example;', /group/],
    ['undisclosed-recipients:;', /group/],
    ['Lovelace, Ada <ada@example.com>', /quotes/],
    ['"Ada" x <ada@example.com>', /after the quoted name/],
    ['"Ada <ada@example.com>', /after the quoted name|quote left open/],
    ['Ada <ada@example.com>>', /more than one address/],
    ['"evil\u202Egnp.exe" <a@example.com>', /U\+202E/],
    ['u@ex\u200Bample.com', /U\+200B/],
    ['u@ex\u00ADample.com', /U\+00AD/],
    ['u@evil\u202Emoc.example', /U\+202E/],
    ['u@good\u3002evil.example', /U\+3002/],
    ['u@good\uFF0Eevil.example', /U\+FF0E/],
    ['u@good\uFF61evil.example', /U\+FF61/],
    ['u@ｅｘａｍｐｌｅ.com', /changes under IDNA/],
    ['u@xn--zz.example', /not a valid domain/],
    ['u@localhost', /not a valid domain/],
    ['u@example.com.', /not a valid domain/],
    ['u@-example.com', /not a valid domain/],
    ['u@exa_mple.com', /not a valid domain/],
    ['u@123.456', /not a valid domain|number/],
    ['u@10.0.0.1', /number/],
    ['u@[127.0.0.1]', /more than one address|not a valid domain/],
    ['"quoted local"@example.com', /more than one address|before the @/],
    ['a..b@example.com', /before the @/],
    ['.a@example.com', /before the @/],
    ['ä@example.com', /before the @/],
    ['', /empty/],
    ['no-at-sign', /^is not a valid email address$/],
  ];
  for (const [entry, reason] of refused) {
    it(`refuses ${JSON.stringify(entry)}`, () => {
      const r = parseMailbox(entry);
      expect(r.ok, JSON.stringify(r)).to.equal(false);
      expect((r as { reason: string }).reason).to.match(reason);
    });
  }

  it('reports every bad entry with its path, e.g. /to/1, and refuses the whole list', () => {
    try {
      parseAddressList(['ok@example.com', 'u@good(x)evil.example', 'a@x.example, b@y.example'], '/to');
      expect.fail('accepted');
    } catch (err) {
      expect(err).to.include({ code: 'VALIDATION_FAILED' });
      const details = (err as { details: Array<{ path: string; message: string }> }).details;
      expect(details.map((d) => d.path)).to.deep.equal(['/to/1', '/to/2']);
      expect(details[0]!.message).to.contain('u@good(x)evil.example');
    }
    expect(() => parseAddressList('a@x.example, b@y.example', '/cc')).to.throw().with.property('details').that.deep.equals([
      { path: '/cc', message: '"a@x.example, b@y.example" holds more than one address, or text around the address; give each address as its own list entry' },
    ]);
  });

  it('shows invisible characters in the message instead of hiding them', () => {
    expect(() => parseAddressList(['u@ex\u200Bample.com'], '/to')).to.throw().with.nested.property('details[0].message').that.contains('<U+200B>');
  });

  // mocha's timeout is the watchdog: a backtracking pattern would not finish these.
  it('checks stay linear on long hostile input', () => {
    for (const s of ['a'.repeat(50_000), `${'a-'.repeat(25_000)}.com`, `${'a.'.repeat(25_000)}`, `${'"'.repeat(20_000)}<a@b.c>`, `${'\\'.repeat(40_000)}`]) {
      parseMailbox(`${s}@${s}`);
      checkDomain(s);
    }
    expect(parseMailbox(`${'a'.repeat(100_000)}@example.com`).ok).to.equal(false);
  });
});
