import { expect } from 'chai';
import dgram from 'node:dgram';
import { dnsResolver } from '../../../connector/dns/resolver.js';
import { checkDomain } from '../../../connector/domain-check/domain-check.js';
import { PROVIDERS } from '../../../connector/providers/registry.js';

/**
 * A DNS server that takes queries and never answers (a firewall dropping them): every check of
 * the domain is a warning "DNS did not answer", not a failure, and the check ends by its deadline
 * even when the per-lookup timeout is longer.
 */
describe('the domain check when DNS does not answer', () => {
  let hole: dgram.Socket;
  let server: string;
  before(async () => {
    hole = dgram.createSocket('udp4');
    hole.on('message', () => {});
    await new Promise<void>((resolve) => hole.bind(0, '127.0.0.1', resolve));
    server = `127.0.0.1:${hole.address().port}`;
  });
  after(() => hole.close());

  it('each check warns "DNS did not answer" within the per-lookup timeout', async () => {
    const started = Date.now();
    const result = await checkDomain('quiet.test', {
      keys: [], senders: [{ connection: 'Relay', provider: PROVIDERS.smtp, host: '127.0.0.1' }],
      resolve: dnsResolver({ servers: [server], timeoutMs: 300 }),
    });
    expect(Date.now() - started).to.be.below(3000);
    const byKind = Object.fromEntries(result.checks.filter((c) => c.kind !== 'dkim').map((c) => [c.kind, c]));
    for (const kind of ['spf', 'dmarc', 'mx']) {
      expect(byKind[kind], kind).to.include({ status: 'warn' });
      expect(byKind[kind]!.message, kind).to.match(/^DNS did not answer/);
      expect(byKind[kind]!.hint).to.match(/ENVOI_DNS_SERVERS/);
    }
  });

  it('the deadline bounds the whole check below a longer lookup timeout', async () => {
    const started = Date.now();
    const result = await checkDomain('quiet.test', { keys: [], senders: [], resolve: dnsResolver({ servers: [server], timeoutMs: 10_000, deadline: Date.now() + 600 }) });
    expect(Date.now() - started).to.be.below(2500);
    expect(result.checks.filter((c) => c.status === 'warn' && /DNS did not answer/.test(c.message)).map((c) => c.kind)).to.include.members(['spf', 'dmarc', 'mx']);
  });
});
