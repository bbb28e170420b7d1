import { expect } from 'chai';
import { allowedBy } from '../../connector/delivery/sandbox.js';

describe('sandbox allow lists: exact addresses and @domains, whatever their case', () => {
  const allow = ['qa@example.com', '@Team.test'];
  const cases: Array<[string, string, boolean]> = [
    ['an address on the list', 'qa@example.com', true],
    ['the same address in another case, with spaces', ' QA@Example.COM ', true],
    ['any address of an @domain', 'anyone@team.test', true],
    ['an @domain address in another case', 'Anyone@TEAM.test', true],
    ['a subdomain of an @domain', 'a@eu.team.test', false],
    ['a domain that starts like an @domain', 'a@team.test.evil.test', false],
    ['a domain that ends like an @domain', 'a@notteam.test', false],
    ['an address that ends like one listed', 'xqa@example.com', false],
    ['an address that starts like one listed', 'qa@example.com.evil.test', false],
    ['another address of a listed address\'s domain', 'other@example.com', false],
  ];
  for (const [what, address, allowed] of cases) {
    it(`${what}: ${allowed ? 'allowed' : 'captured'}`, () => expect(allowedBy(allow, address)).to.equal(allowed));
  }
  it('an empty list allows nobody', () => expect(allowedBy([], 'qa@example.com')).to.equal(false));
});
