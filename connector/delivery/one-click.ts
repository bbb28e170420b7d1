/**
 * RFC 8058 one-click unsubscribe headers for a message going to one recipient: `List-Unsubscribe`
 * with an HTTPS link naming that recipient (a signed token, see unsubscribe-token.ts) and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, which tells mail systems they may POST to
 * the link themselves. nodemailer writes `List-Unsubscribe` from its `list` option (RFC 2369's
 * angle brackets included); the POST header has no such option and goes in `headers`.
 */
import type Mail from 'nodemailer/lib/mailer';
import { EnvoiError } from '../errors.js';
import type { Keyring } from '../secrets.js';
import { signUnsubscribe, unsubscribeUrl } from '../unsubscribe-token.js';
import { recipientAddresses } from './suppression.js';

/** The message with one-click unsubscribe headers for its one recipient. */
export function withOneClick(keyring: Keyring, publicUrl: string | undefined, ref: { scope: string; deliveryId: string }, mail: Mail.Options): Mail.Options {
  const recipients = recipientAddresses(mail);
  // send-email's plan refuses both cases with a field error; this guards other callers.
  if (!publicUrl) throw new EnvoiError('VALIDATION_FAILED', 'listUnsubscribe needs ENVOI_PUBLIC_URL', { hint: 'Set ENVOI_PUBLIC_URL to the public base URL of this server.' });
  if (recipients.length !== 1) throw new EnvoiError('VALIDATION_FAILED', 'listUnsubscribe needs exactly one recipient');
  const token = signUnsubscribe(keyring, { ...ref, email: recipients[0]! });
  const headers = { ...((mail.headers as Record<string, string> | undefined) ?? {}), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  return { ...mail, list: { ...mail.list, unsubscribe: unsubscribeUrl(publicUrl, token) }, headers };
}
