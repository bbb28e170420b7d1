/**
 * Amazon SNS message signatures (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
 * the fields of the message, `name\nvalue\n` each in a fixed order, signed with RSA (SignatureVersion
 * 1: SHA1, 2: SHA256) by the certificate at SigningCertURL. Anyone can host a certificate, so it is
 * fetched only from the hosts of ENVOI_SNS_CERT_HOSTS (by default `sns.*.amazonaws.com`) and only
 * over https — but for a loopback address the operator listed by name (a test's local server:
 * nothing on the network can come between, so TLS would add nothing there).
 */
import crypto from 'node:crypto';
import { badSignature } from '../inbound.js';

export interface SnsMessage {
  Type?: string;
  MessageId?: string;
  Token?: string;
  TopicArn?: string;
  Subject?: string;
  Message?: string;
  Timestamp?: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
  SubscribeURL?: string;
}

const CERT_HINT = 'Set ENVOI_SNS_CERT_HOSTS to the hosts SNS certificates come from (default sns.*.amazonaws.com); the topic must be an Amazon SNS topic.';
const LOOPBACK = new Set(['127.0.0.1', '[::1]']);
const MAX_CERT_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Whether a host matches a pattern, label by label, `*` standing for exactly one label. */
function hostMatches(host: string, pattern: string): boolean {
  const h = host.split('.');
  const p = pattern.split('.');
  return h.length === p.length && p.every((label, i) => (label === '*' ? h[i]!.length > 0 : label === h[i]));
}

/** The URL when it may be fetched (https on a listed host, or http on a loopback address listed by name); else undefined. */
export function trustedUrl(text: string | undefined, hosts: readonly string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(text ?? '');
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  if (url.username || url.password) return undefined;
  if (url.protocol === 'https:' && (url.port === '' || url.port === '443')) return hosts.some((p) => hostMatches(host, p)) ? url : undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(host)) return hosts.includes(host) || hosts.includes(host.replace(/^\[|\]$/g, '')) ? url : undefined;
  return undefined;
}

/** The text SNS signed: the message's fields in the order its type signs them. */
export function stringToSign(m: SnsMessage): string {
  const keys = m.Type === 'Notification' ? ['Message', 'MessageId', ...(m.Subject !== undefined ? ['Subject'] : []), 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys.map((k) => `${k}\n${String(m[k as keyof SnsMessage] ?? '')}\n`).join('');
}

/** A GET of a trusted URL with a deadline, no redirects and a bounded answer. */
export async function fetchTrusted(url: URL): Promise<string> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url.host} answered ${res.status}`);
  if (text.length > MAX_CERT_BYTES) throw new Error(`${url.host} answered more than ${MAX_CERT_BYTES} bytes`);
  return text;
}

/** Certificates by URL, kept for the process (SNS rotates them rarely; each has a new URL). */
const certificates = new Map<string, crypto.X509Certificate>();
const MAX_CACHED = 100;

async function certificate(url: URL): Promise<crypto.X509Certificate> {
  const cached = certificates.get(url.href);
  if (cached) return cached;
  const cert = new crypto.X509Certificate(await fetchTrusted(url));
  if (certificates.size >= MAX_CACHED) certificates.delete(certificates.keys().next().value!);
  certificates.set(url.href, cert);
  return cert;
}

/** Checks an SNS message's signature; throws UNAUTHORIZED (before any fetch for an untrusted host). */
export async function verifySns(m: SnsMessage, hosts: readonly string[]): Promise<void> {
  const url = trustedUrl(m.SigningCertURL, hosts);
  if (!url) throw badSignature('The SNS signing certificate is not on a trusted host', CERT_HINT);
  const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
  if (!algorithm || !m.Signature) throw badSignature('The SNS message has no signature of a known version', 'SNS signs with SignatureVersion 1 or 2.');
  let cert: crypto.X509Certificate;
  try {
    cert = await certificate(url);
  } catch (err) {
    throw badSignature(`The SNS signing certificate could not be read: ${(err as Error).message}`, CERT_HINT);
  }
  const now = Date.now();
  const valid = Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo) && crypto.verify(algorithm, Buffer.from(stringToSign(m)), cert.publicKey, Buffer.from(m.Signature, 'base64'));
  if (!valid) throw badSignature('The SNS message signature does not match', 'Post only what Amazon SNS sends; the message must reach Envoi unchanged.');
}
