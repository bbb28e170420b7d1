import type { Config } from '../../config.js';
import { classifySmtpError, type Failure } from './classify-smtp.js';
import type { ResolvedConnection } from '../../connections.js';
import { resolveAndVet, type LookupAll, type NetworkPolicy } from '../../network-policy.js';

/** What reaching an SMTP host needs: its timeouts and the network policy its addresses must pass. */
export interface SmtpReach {
  config: Pick<Config, 'smtpTimeouts'>;
  policy: NetworkPolicy;
  lookup?: LookupAll;
}

/**
 * Resolves a connection's host and vets its addresses against the network policy. A failed lookup
 * comes back as a classified failure (code EDNS), like any other stage's; an address the policy
 * refuses throws HOST_NOT_ALLOWED.
 */
export async function vettedAddresses(conn: Pick<ResolvedConnection, 'settings'>, reach: SmtpReach): Promise<{ ok: true; addresses: string[] } | { ok: false; failure: Failure }> {
  const s = conn.settings;
  const r = await resolveAndVet(s.host!, reach.policy, { lookup: reach.lookup, timeoutMs: reach.config.smtpTimeouts.dns });
  if (r.ok) return r;
  return { ok: false, failure: classifySmtpError(Object.assign(r.error, { code: 'EDNS', originalCode: r.error.code ?? 'ENOTFOUND' }), { host: s.host!, port: s.port!, secure: !!s.secure }) };
}
