/**
 * One-click unsubscribe tokens (RFC 8058, design.md "Bounces, complaints and suppression"). The
 * URI of `List-Unsubscribe` must identify the recipient by itself (the POST a mail system makes
 * carries no cookie and no address), and must be hard to forge (RFC 8058 §3.1): the token names
 * the scope, the delivery and the one recipient, and carries an HMAC-SHA256 of them under a key
 * derived from the server's keyring, so nobody can unsubscribe an address they did not mail.
 */
import crypto from 'node:crypto';
import type { Keyring } from './secrets.js';

const PURPOSE = 'unsubscribe';

/** Who a token unsubscribes: an address, from a scope's mail, named by the delivery that carried the link. */
export interface UnsubscribeClaim {
  scope: string;
  deliveryId: string;
  email: string;
}

const mac = (key: Buffer, payload: string) => crypto.createHmac('sha256', key).update(payload).digest();

/** `<payload>.<mac>`, both base64url: the payload is `[scope, deliveryId, email]` as JSON. */
export function signUnsubscribe(keyring: Keyring, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify([claim.scope, claim.deliveryId, claim.email.toLowerCase()])).toString('base64url');
  return `${payload}.${mac(keyring.macKeys(PURPOSE)[0]!, payload).toString('base64url')}`;
}

/** The claim of a token whose MAC one of the keyring's keys made, else undefined (forged, cut or altered). */
export function verifyUnsubscribe(keyring: Keyring, token: string): UnsubscribeClaim | undefined {
  const [payload, sig, ...rest] = token.split('.');
  if (!payload || !sig || rest.length || token.length > 2048) return undefined;
  const given = Buffer.from(sig, 'base64url');
  const good = keyring.macKeys(PURPOSE).some((k) => {
    const expected = mac(k, payload);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!good) return undefined;
  try {
    const [scope, deliveryId, email] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    if (typeof scope !== 'string' || typeof deliveryId !== 'string' || typeof email !== 'string') return undefined;
    return { scope, deliveryId, email };
  } catch {
    return undefined;
  }
}

/** The `List-Unsubscribe` URL of a token under the public base URL (ENVOI_PUBLIC_URL). */
export const unsubscribeUrl = (publicUrl: string, token: string): string => `${publicUrl}/u/${token}`;
