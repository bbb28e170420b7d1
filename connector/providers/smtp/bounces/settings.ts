/**
 * The bounce settings of an SMTP connection (design.md "Bounces, complaints and suppression"):
 * `bounceAddress` (the VERP base) and `bounceMailbox` (where a worker reads the reports over IMAP).
 * The mailbox's host is vetted like the SMTP host: an IMAP login is as much an SSRF vector.
 */
import { EnvoiError } from '../../../errors.js';
import { assertLiteralHostAllowed, assertPortAllowed, resolveAndVet } from '../../../network-policy.js';
import type { ConnectionSettings } from '../../../store/connections.js';
import type { NormalizeContext } from '../../provider.js';
import { caFingerprint } from '../ca-fingerprint.js';

export type BounceMailbox = NonNullable<ConnectionSettings['bounceMailbox']>;

/** IMAP's ports (RFC 9051 §2.1, RFC 8314 §7.3): allowed besides ENVOI_ALLOWED_PORTS. */
export const IMAP_PORTS: readonly number[] = [143, 993];

/** Defaults (port from Secure and back, folder INBOX), then the network policy. */
export async function normalizeBounces(s: Partial<ConnectionSettings>, ctx: NormalizeContext): Promise<void> {
  if (s.bounceAddress !== undefined) s.bounceAddress = bounceAddressOf(s.bounceAddress);
  if (!s.bounceMailbox) return;
  const m = { ...s.bounceMailbox };
  m.secure = m.secure ?? m.port === 993;
  m.port = m.port ?? (m.secure ? 993 : 143);
  m.folder = m.folder ?? 'INBOX';
  const target = { ...ctx.owner, port: m.port };
  try {
    assertLiteralHostAllowed(m.host, ctx.policy, target);
    await resolveAndVet(m.host, ctx.policy, { lookup: ctx.lookup, timeoutMs: ctx.dnsTimeoutMs, target });
    if (!IMAP_PORTS.includes(m.port)) assertPortAllowed(m.port, ctx.policy, m.host, ctx.owner);
  } catch (err) {
    // The policy names /host and /port; here they sit under /bounceMailbox.
    if (err instanceof EnvoiError) throw new EnvoiError(err.code, `Bounce mailbox: ${err.message}`, { hint: err.hint, details: err.details?.map((d) => ({ ...d, path: `/bounceMailbox${d.path}` })) });
    throw err;
  }
  s.bounceMailbox = m;
}

/** The address as given, checked to have a local part that a `+token` can extend. */
function bounceAddressOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1 || address.slice(0, at).length > 40) {
    throw new EnvoiError('VALIDATION_FAILED', 'The bounce address needs a local part of at most 40 characters', {
      hint: 'Envoi appends +d<32 hex digits> to it, and a local part may hold 64 characters (RFC 5321 §4.5.3.1.1). Use a short address such as bounces@example.com.',
      details: [{ path: '/bounceAddress', message: 'must have a local part of 1 to 40 characters' }],
    });
  }
  return address;
}

/**
 * What the mailbox password is bound to: the server it is sent to, the user, and how that server
 * is trusted (Secure, and the CA certificate the connection trusts it with).
 */
export function bounceMailboxBinding(s: ConnectionSettings): Array<[string, string]> {
  const m = s.bounceMailbox;
  return [
    ['bounceMailbox.host', (m?.host ?? '').toLowerCase()],
    ['bounceMailbox.port', String(m?.port)],
    ['bounceMailbox.user', m?.user ?? ''],
    ['bounceMailbox.secure', String(!!m?.secure)],
    ['caCertificate', caFingerprint(s.caCertificate)],
  ];
}
