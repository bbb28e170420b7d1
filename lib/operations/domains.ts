import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { dnsResolver } from '../../connector/dns/resolver.js';
import { checkDomain, type DomainCheck } from '../../connector/domain-check/domain-check.js';
import { providerOf } from '../../connector/providers/registry.js';

/** The whole check answers within 20 s (design.md "Deliverability"): lookups stop a little before. */
const CHECK_BUDGET_MS = 18_000;
const DOMAIN = /^(?=.{3,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

export interface DomainOperations {
  /**
   * SPF, DKIM, DMARC and MX of a sender domain, each `pass`, `warn` or `fail` with the record
   * found, the record to publish and what to do; judged for the scope's connections that send
   * as that domain and its DKIM keys (and the platform's).
   */
  check(scope: string, domain: string): Promise<DomainCheck>;
}

export function domainOperations(core: Core): DomainOperations {
  return {
    async check(scope, domainIn) {
      const domain = String(domainIn ?? '').toLowerCase().replace(/\.$/, '');
      if (!DOMAIN.test(domain)) {
        throw new EnvoiError('VALIDATION_FAILED', `"${String(domainIn).slice(0, 80)}" is not a domain name`, { details: [{ path: '/domain', message: 'must be a domain name such as example.com' }] });
      }
      const senders = (await core.connections.list(scope))
        .filter((c) => (c.settings.senderEmail ?? '').toLowerCase().endsWith(`@${domain}`))
        .map((c) => ({ connection: c.name, provider: providerOf(c.provider), host: c.settings.host }));
      const keys = await core.dkimKeys.forDomain(scope === 'platform' ? ['platform'] : [scope, 'platform'], domain);
      const resolve = dnsResolver({ servers: core.config.dnsServers, timeoutMs: core.config.smtpTimeouts.dns, deadline: Date.now() + CHECK_BUDGET_MS });
      const result = await checkDomain(domain, { keys, senders, resolve });
      core.logger.info('domain checked', { scope, domain, failed: result.checks.filter((c) => c.status === 'fail').map((c) => c.kind) });
      return result;
    },
  };
}
