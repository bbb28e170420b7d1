import { expect } from 'chai';
import { parsePortList } from '../../connector/config.js';
import { isPublicAddress, resolveAndVet, systemLookup } from '../../connector/network-policy.js';

describe('network policy units', () => {
  it('classifies addresses: only public unicast passes', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '10.0.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
      expect(isPublicAddress(a), a).to.equal(false);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) {
      expect(isPublicAddress(a), a).to.equal(true);
    }
  });

  it('refuses "localhost" by what the system resolver (/etc/hosts) says, not by its spelling', async () => {
    const policy = { allowPrivateHosts: false, allowedPorts: parsePortList('587') };
    let code: string | undefined;
    try {
      await resolveAndVet('localhost', policy, { lookup: systemLookup });
    } catch (err) {
      code = (err as { code: string }).code;
    }
    expect(code).to.equal('HOST_NOT_ALLOWED');
    const allowed = await resolveAndVet('localhost', { ...policy, allowPrivateHosts: true }, { lookup: systemLookup });
    expect(allowed.ok && allowed.addresses.some((a) => a.startsWith('127.') || a === '::1')).to.equal(true);
  });

  it('puts IPv4 addresses first and reports resolution failures without throwing', async () => {
    const policy = { allowPrivateHosts: true, allowedPorts: parsePortList('587') };
    const r = await resolveAndVet('dual.test', policy, { lookup: async () => ['::1', '127.0.0.1'] });
    expect(r).to.deep.equal({ ok: true, addresses: ['127.0.0.1', '::1'] });
    const failed = await resolveAndVet('gone.test', policy, { lookup: async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); } });
    expect(failed.ok).to.equal(false);
  });

  it('parses ENVOI_ALLOWED_PORTS with ranges and refuses nonsense', () => {
    const list = parsePortList('25, 587,1024-65535');
    expect([25, 587, 1024, 40000, 65535].every((p) => list.has(p))).to.equal(true);
    expect([24, 465, 1023].some((p) => list.has(p))).to.equal(false);
    expect(list.text).to.equal('25,587,1024-65535');
    for (const bad of ['abc', '0', '70000', '600-500']) expect(() => parsePortList(bad), bad).to.throw().with.property('code', 'CONFIG_INVALID');
  });
});
