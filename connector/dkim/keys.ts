import crypto from 'node:crypto';
import type { Keyring, SecretContext } from '../secrets.js';

export type DkimAlgorithm = 'rsa-2048' | 'ed25519';
export const DKIM_ALGORITHMS: readonly DkimAlgorithm[] = ['rsa-2048', 'ed25519'];

/** A key as the API shows it: never the private half. */
export interface DkimKeyView {
  id: string;
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  dnsRecord: { name: string; type: 'TXT'; value: string };
  createdAt: string;
}

/** A key as a signer needs it: the private key opened. */
export interface DkimSigningKey {
  id: string;
  scope: string;
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKeyPem: string;
}

export interface GeneratedKey {
  /** The `p=` tag's value (base64). */
  publicKey: string;
  privateKeyPem: string;
}

/**
 * A fresh key pair. RSA's `p=` is the SubjectPublicKeyInfo DER (RFC 6376 §3.6.1); Ed25519's is
 * the raw 32-byte public key, not its SPKI wrapping (RFC 8463 §4.2).
 */
export function generateDkimKey(algorithm: DkimAlgorithm): GeneratedKey {
  if (algorithm === 'ed25519') {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    return { publicKey: raw.toString('base64'), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
  }
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** The TXT record to publish (RFC 6376 §3.6.1; `k=ed25519` from RFC 8463). */
export function dnsRecordOf(k: { domain: string; selector: string; algorithm: DkimAlgorithm; publicKey: string }): DkimKeyView['dnsRecord'] {
  return { name: `${k.selector}._domainkey.${k.domain}`, type: 'TXT', value: `v=DKIM1; k=${k.algorithm === 'ed25519' ? 'ed25519' : 'rsa'}; p=${k.publicKey}` };
}

/** The default selector: `envoi<yyyymm>` of today (UTC), so a yearly or monthly rotation gets a new name. */
export function defaultSelector(now = new Date()): string {
  return `envoi${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** What a DKIM private key is sealed with: scope, key row, and the domain and selector it signs for. */
export function dkimSecretContext(k: { scope: string; id: string; domain: string; selector: string }): SecretContext {
  return { scope: k.scope, rowId: k.id, field: `dkimPrivateKey|${k.domain}|${k.selector}` };
}

export function sealDkimKey(keyring: Keyring, k: { scope: string; id: string; domain: string; selector: string }, pem: string) {
  return keyring.seal(pem, dkimSecretContext(k));
}
