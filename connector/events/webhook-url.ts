/**
 * Vetting a webhook URL (design.md "Events and webhooks"): a webhook is an SSRF vector like an
 * SMTP host, so its host is resolved and every address vetted by the network policy, at save and
 * again at each send; the sender then connects to a vetted address (a DNS answer that changes
 * between the check and the connect cannot smuggle in 127.0.0.1 or 169.254.169.254).
 */
import net from 'node:net';
import { EnvoiError } from '../errors.js';
import { isPublicAddress, resolveAndVet, type LookupAll, type NetworkPolicy } from '../network-policy.js';

export interface VettedUrl {
  url: URL;
  /** The host name as typed (TLS checks the certificate against it), brackets removed. */
  hostname: string;
  port: number;
  /** Addresses that passed the policy, IPv4 first: the sender connects to the first. */
  addresses: string[];
}

const HINT = 'Use an https:// URL on a public address. An operator can allow private addresses (and plain http:// there) with ENVOI_ALLOW_PRIVATE_HOSTS=true.';

function invalid(message: string, hint = HINT): EnvoiError {
  return new EnvoiError('VALIDATION_FAILED', `The webhook URL ${message}`, { hint, details: [{ path: '/url', message }] });
}

/**
 * Parses and vets a webhook URL: `https://`, or `http://` only when ENVOI_ALLOW_PRIVATE_HOSTS is
 * set and the host is private (plain http on the internet would carry signed events in clear);
 * no credentials in it (the URL is shown in responses); every resolved address allowed.
 */
export async function vetWebhookUrl(text: string, policy: NetworkPolicy, options: { lookup?: LookupAll | undefined; timeoutMs?: number } = {}): Promise<VettedUrl> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must start with https://');
  if (url.username || url.password) throw invalid('must not contain a user name or password', 'Remove the credentials from the URL; Envoi signs every message instead (webhook-signature).');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  let resolved;
  try {
    resolved = await resolveAndVet(hostname, policy, { lookup: options.lookup, timeoutMs: options.timeoutMs ?? 10_000 });
  } catch (err) {
    if (err instanceof EnvoiError && err.code === 'HOST_NOT_ALLOWED') {
      throw new EnvoiError('HOST_NOT_ALLOWED', `${url.host} is a loopback, private or link-local address, which webhook URLs may not use`, { hint: HINT, details: [{ path: '/url', message: 'resolves to a non-public address' }] });
    }
    throw err;
  }
  if (!resolved.ok) throw invalid(`host ${hostname} could not be resolved (${resolved.error.code ?? resolved.error.message})`, 'Check the host name of the URL.');
  if (url.protocol === 'http:' && !(policy.allowPrivateHosts && resolved.addresses.every((a) => !isPublicAddress(a)))) {
    throw invalid(net.isIP(hostname) || policy.allowPrivateHosts ? 'must start with https:// (plain http:// only on a private address)' : 'must start with https://');
  }
  return { url, hostname, port, addresses: resolved.addresses };
}
