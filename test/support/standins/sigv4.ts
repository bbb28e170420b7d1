import crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Recorded } from '../http-standin.js';

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way an AWS endpoint does
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * parse Credential/SignedHeaders/Signature, find the key's secret, check the scope and the clock,
 * then recompute the signature over the request as received (the signed headers, the path, the
 * query and the body's SHA-256) with the AWS signer itself, and compare. The answers are AWS's
 * own error types and words.
 */
export interface SigV4Denial {
  status: number;
  type: string;
  message: string;
}

export type SigV4Result = { ok: true; accessKeyId: string } | ({ ok: false } & SigV4Denial);

/** A SHA-256 (HMAC when given a secret) in the shape the signer takes, on Node's crypto. */
class Sha256 {
  private h: crypto.Hash | crypto.Hmac;
  constructor(private readonly secret?: string | ArrayBufferView | ArrayBuffer) {
    this.h = this.fresh();
  }
  private fresh() {
    const s = this.secret;
    if (s === undefined) return crypto.createHash('sha256');
    return crypto.createHmac('sha256', typeof s === 'string' ? s : ArrayBuffer.isView(s) ? Buffer.from(s.buffer, s.byteOffset, s.byteLength) : Buffer.from(s));
  }
  update(data: string | ArrayBufferView | ArrayBuffer): void {
    this.h.update(typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/, ]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const SKEW_MS = 15 * 60_000;
const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const deny = (status: number, type: string, message: string): SigV4Result => ({ ok: false, status, type, message });

/** Verifies the request's SigV4 signature for `service` in `region`; `secretOf` knows the keys. */
export async function verifySigV4(req: Recorded, service: string, region: string, secretOf: (accessKeyId: string) => string | undefined): Promise<SigV4Result> {
  const header = req.headers.authorization;
  if (!header) return deny(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTH.exec(header);
  if (!m) return deny(403, 'IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header.split(' ')[0]}`);
  const [, accessKeyId, day, scopeRegion, scopeService, signedList, signature] = m as unknown as string[];
  const secret = secretOf(accessKeyId!);
  if (secret === undefined) return deny(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (scopeService !== service) return deny(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'.`);
  if (scopeRegion !== region) return deny(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region.`);
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const at = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!at) return deny(403, 'IncompleteSignatureException', 'Date must be in ISO-8601 \'basic format\'. Got \'' + amzDate + '\'.');
  const signingDate = new Date(Date.UTC(+at[1]!, +at[2]! - 1, +at[3]!, +at[4]!, +at[5]!, +at[6]!));
  if (amzDate.slice(0, 8) !== day) return deny(403, 'SignatureDoesNotMatch', 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.');
  if (Math.abs(Date.now() - signingDate.getTime()) > SKEW_MS) return deny(403, 'InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than the allowed window (15 minutes).`);
  const signed = signedList!.split(';');
  if (!signed.includes('host')) return deny(403, 'SignatureDoesNotMatch', MISMATCH);
  const bodyHash = crypto.createHash('sha256').update(req.body).digest('hex');
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== bodyHash && claimed !== 'UNSIGNED-PAYLOAD') return deny(400, 'XAmzContentSHA256Mismatch', 'The provided \'x-amz-content-sha256\' header does not match what was computed.');

  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = req.headers[name];
    if (v === undefined) return deny(403, 'SignatureDoesNotMatch', MISMATCH);
    headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  const [hostname, port] = headers.host!.split(':');
  const query: Record<string, string> = {};
  for (const [k, v] of req.query) query[k] = v;
  const signer = new SignatureV4({ service, region, credentials: { accessKeyId: accessKeyId!, secretAccessKey: secret }, sha256: Sha256, applyChecksum: false });
  const expected = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: hostname!, ...(port ? { port: Number(port) } : {}), path: req.path, query, headers, body: req.body },
    { signingDate, signableHeaders: new Set(signed) },
  );
  const want = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const same = want.length === signature!.length && crypto.timingSafeEqual(Buffer.from(want), Buffer.from(signature!));
  return same ? { ok: true, accessKeyId: accessKeyId! } : deny(403, 'SignatureDoesNotMatch', MISMATCH);
}
