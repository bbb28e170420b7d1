/**
 * VERP (variable envelope return path, D. J. Bernstein's scheme): with a bounce address, the
 * envelope sender of an SMTP delivery is `local+d<token>@domain`, so the bounce (which goes to the
 * envelope sender, RFC 5321 §4.5.5, RFC 3464 §2) names the delivery it is about.
 *
 * The token is the delivery's id (a random UUID, 122 bits), hex without dashes: it is stored
 * already, so the token needs no state of its own, and nobody who has not seen the mail can guess
 * one. An HMAC over it would add length and a key to rotate, and no safety: the id is the secret.
 * One envelope carries every recipient of a delivery (one SMTP transaction, one MAIL FROM), so
 * the token cannot name the recipient when there are several; the DSN's Final-Recipient (RFC 3464
 * §2.3.2) does, and a report is only accepted for an address the delivery was sent to.
 */
import type { ConnectionSettings } from '../../../store/connections.js';

const TOKEN = /\+d([0-9a-f]{32})@/i;

/** The envelope sender for a delivery: the VERP address when the connection has a bounce address. */
export function envelopeSender(s: Pick<ConnectionSettings, 'bounceAddress'>, from: string, deliveryId: string | undefined): string {
  if (!s.bounceAddress || !deliveryId) return from;
  const hex = deliveryId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return from;
  const at = s.bounceAddress.lastIndexOf('@');
  return `${s.bounceAddress.slice(0, at)}+d${hex}${s.bounceAddress.slice(at)}`;
}

/** The delivery id named by a VERP token anywhere in this text (an address, a header), if any. */
export function deliveryOfToken(text: string | undefined): string | undefined {
  const m = text ? TOKEN.exec(text) : null;
  if (!m) return undefined;
  const h = m[1]!.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
