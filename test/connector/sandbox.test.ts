import { expect } from 'chai';
import { allowedBy } from '../../connector/delivery/sandbox.js';

describe('sandbox allow lists: exact addresses and @domains, whatever their case', () => {
  const allow = ['qa@example.com', '@Team.test'];

  it('an address on the list, in any case, is allowed', () => {
    expect(allowedBy(allow, 'qa@example.com')).to.equal(true);
    expect(allowedBy(allow, ' QA@Example.COM ')).to.equal(true);
  });

  it('@domain allows every address of exactly that domain, not its subdomains or look-alikes', () => {
    expect(allowedBy(allow, 'anyone@team.test')).to.equal(true);
    expect(allowedBy(allow, 'Anyone@TEAM.test')).to.equal(true);
    expect(allowedBy(allow, 'a@eu.team.test')).to.equal(false);
    expect(allowedBy(allow, 'a@team.test.evil.test')).to.equal(false);
    expect(allowedBy(allow, 'a@notteam.test')).to.equal(false);
  });

  it('only whole addresses match: no part of one, and an address entry says nothing of its domain', () => {
    expect(allowedBy(allow, 'xqa@example.com')).to.equal(false);
    expect(allowedBy(allow, 'qa@example.com.evil.test')).to.equal(false);
    expect(allowedBy(allow, 'other@example.com')).to.equal(false);
    expect(allowedBy([], 'qa@example.com')).to.equal(false);
  });
});
