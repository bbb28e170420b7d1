import addressparser from 'nodemailer/lib/addressparser';
import type { Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';
import type { Keyring } from '../secrets.js';
import type { DkimKeyStore, StoredDkimKey } from '../store/dkim-keys.js';
import { TtlCache } from '../ttl-cache.js';
import { dkimSecretContext } from './keys.js';
import { signedHeaders, signMessage } from './sign.js';

/** Which key signed a message (the delivery records it). */
export interface DkimUsed {
  domain: string;
  selector: string;
}

/** The platform's keys sign for every scope that has none of its own for the domain. */
const PLATFORM = 'platform';
/** How long a worker reuses the keys it read for a domain: a new or deleted key counts within this. */
const KEYS_CACHE_MS = 5000;

/** The domain of the message's From field (RFC 5322 §3.6.2), read from its header block. */
export function fromDomain(raw: string): string | undefined {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^From:[ \t]*(.*)$/im.exec(head)?.[1];
  if (!line) return undefined;
  const first = addressparser(line, { flatten: true })[0];
  const at = first?.address?.lastIndexOf('@') ?? -1;
  return at > 0 ? first!.address.slice(at + 1).toLowerCase() : undefined;
}

/**
 * Signs mail at send time, not when it is built: the connection (so the provider) is known only
 * then, since failover may move a delivery to a connection whose provider signs with its own
 * keys or rewrites headers (SES); and keys added or deleted after the mail was queued apply to
 * it. The stored message stays unsigned, so every attempt signs afresh with the current key.
 */
export class DkimSigner {
  private readonly cache = new TtlCache<StoredDkimKey[]>({ ttlMs: KEYS_CACHE_MS, max: 10_000 });

  constructor(private readonly opts: { store: DkimKeyStore; keyring: Keyring; logger: Logger }) {}

  /**
   * The message signed with the newest key of its From domain in `scope` (else the platform's),
   * when `provider` sends Envoi's signature; as it is otherwise.
   */
  async sign(scope: string, provider: Provider, raw: string): Promise<{ raw: string; dkim?: DkimUsed }> {
    if (!provider.signsWithEnvoiDkim) return { raw };
    const domain = fromDomain(raw);
    if (!domain) return { raw };
    const scopes = scope === PLATFORM ? [PLATFORM] : [scope, PLATFORM];
    const keys = await this.cache.get(`${scopes.join('\0')}\0${domain}`, () => this.opts.store.forDomain(scopes, domain));
    const key = keys[0];
    if (!key) return { raw };
    const privateKeyPem = this.opts.keyring.open(key.sealed, dkimSecretContext(key));
    const signed = await signMessage(raw, { ...key, privateKeyPem }, signedHeaders(provider.dkimSkipHeaders));
    return { raw: signed, dkim: { domain: key.domain, selector: key.selector } };
  }

  /** Forgets what was read (a key was added or deleted in this process). */
  forget(): void {
    this.cache.clear();
  }
}
