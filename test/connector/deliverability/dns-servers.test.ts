import { expect } from 'chai';
import { loadConfig, parseDnsServers } from '../../../connector/config.js';
import { EnvoiError } from '../../../connector/errors.js';

describe('ENVOI_DNS_SERVERS', () => {
  it('takes addresses with optional ports, as node:dns setServers does; unset or empty is the system', () => {
    expect(parseDnsServers('1.1.1.1, 127.0.0.1:5353,[::1]:53,2001:db8::53')).to.deep.equal(['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '2001:db8::53']);
    expect(parseDnsServers(undefined)).to.equal(undefined);
    expect(parseDnsServers(' , ')).to.equal(undefined);
    expect(loadConfig({ ENVOI_DNS_SERVERS: '9.9.9.9' }).dnsServers).to.deep.equal(['9.9.9.9']);
  });

  it('refuses a name, a bad port or what is not an address, naming the entry', () => {
    for (const bad of ['dns.example.com', '127.0.0.1:0', '127.0.0.1:70000', '300.1.1.1', '[::1]x']) {
      expect(() => parseDnsServers(`1.1.1.1,${bad}`), bad).to.throw(EnvoiError).with.property('code', 'CONFIG_INVALID');
    }
    expect(() => parseDnsServers('dns.example.com')).to.throw(/"dns\.example\.com"/);
  });
});
