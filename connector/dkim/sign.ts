import { createRequire } from 'node:module';
import DKIM from 'nodemailer/lib/dkim';
import type { DkimSigningKey } from './keys.js';

// mailauth is CommonJS; its dkimSign is the well-kept Ed25519 signer (nodemailer signs RSA only).
// Required by the first Ed25519 signature: loading mailauth takes 22 MB of memory.
let mailauth: typeof import('mailauth') | undefined;
const dkimSign: typeof import('mailauth').dkimSign = (...args) => (mailauth ??= createRequire(import.meta.url)('mailauth') as typeof import('mailauth')).dkimSign(...args);

/**
 * The header fields a signature covers (design.md "Deliverability"; RFC 6376 §5.4.1 lists what
 * should be signed). List-Unsubscribe and List-Unsubscribe-Post are included because mailbox
 * providers show the one-click button only when the signature covers both (RFC 8058 §4).
 */
export const SIGNED_HEADERS: readonly string[] = [
  'From', 'To', 'Cc', 'Subject', 'Date', 'Message-ID', 'Reply-To', 'In-Reply-To', 'References',
  'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'List-Unsubscribe', 'List-Unsubscribe-Post',
];

/** The fields to sign, less those a provider rewrites (SES: Message-ID and Date). */
export function signedHeaders(skip: readonly string[] = []): string[] {
  const drop = new Set(skip.map((h) => h.toLowerCase()));
  return SIGNED_HEADERS.filter((h) => !drop.has(h.toLowerCase()));
}

/**
 * Signs a message with one key, relaxed/relaxed (RFC 6376 §3.4), and answers the message with
 * its DKIM-Signature field first. RSA through nodemailer's signer stream, Ed25519-SHA256
 * (RFC 8463) through mailauth's dkimSign.
 */
export async function signMessage(raw: string, key: DkimSigningKey, headers: readonly string[]): Promise<string> {
  if (key.algorithm === 'ed25519') {
    // mailauth reads its keys from signatureData and the field list as a colon-separated string
    // (lib/tools.js getSigningHeaderLines), whatever its typings say.
    const res = await dkimSign(raw, {
      signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem, algorithm: 'ed25519-sha256', canonicalization: 'relaxed/relaxed' }],
      headerList: headers.join(':') as unknown as string[],
    } as Parameters<typeof dkimSign>[1]);
    if (res.errors?.length || !/^DKIM-Signature:/i.test(res.signatures)) throw new Error(`DKIM signing failed: ${res.errors?.[0]?.message ?? 'no signature'}`);
    return res.signatures + raw;
  }
  // nodemailer's signer writes relaxed/relaxed with rsa-sha256 and only the listed fields present.
  const signer = new DKIM({ domainName: key.domain, keySelector: key.selector, privateKey: key.privateKeyPem, headerFieldNames: headers.join(':') });
  const chunks: Buffer[] = [];
  for await (const chunk of signer.sign(raw)) chunks.push(chunk as Buffer);
  const signed = Buffer.concat(chunks).toString('utf8');
  if (!/^DKIM-Signature:/i.test(signed)) throw new Error('DKIM signing failed: the private key did not sign');
  return signed;
}
