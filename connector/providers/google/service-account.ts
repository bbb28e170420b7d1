/**
 * A Google service account's JSON key (the file the Cloud console downloads), read and checked
 * when a connection is saved or tested, so a wrong paste fails at once with VALIDATION_FAILED and
 * not at the first send. Nothing of the key is ever repeated in an error: a message names the
 * field that is wrong, never its value (the key file holds the private key).
 */
import crypto from 'node:crypto';
import { EnvoiError } from '../../errors.js';

export interface ServiceAccountKey {
  client_email: string;
  client_id: string;
  private_key: string;
  private_key_id?: string;
}

const FIELD = '/serviceAccountKey';
const WHERE = 'In the Google Cloud console, IAM & Admin → Service accounts → Keys → Add key → JSON; paste the whole file.';
// A service account's address: name@project.iam.gserviceaccount.com (or a domain-specific variant).
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

function invalid(why: string): EnvoiError {
  return new EnvoiError('VALIDATION_FAILED', `The service account key is not usable: ${why}`, { hint: WHERE, details: [{ path: FIELD, message: why }] });
}

/** Reads the key as given (the file's text, or the JSON object) and checks what signing needs. */
export function parseServiceAccountKey(given: unknown): ServiceAccountKey {
  let key: unknown = given;
  if (typeof given === 'string') {
    try {
      key = JSON.parse(given);
    } catch {
      // JSON.parse's own message quotes the text it choked on: never repeat it.
      throw invalid('it is not JSON (paste the whole key file, braces included)');
    }
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid('it is not a JSON object');
  const k = key as Record<string, unknown>;
  if (k.type !== 'service_account') throw invalid('its "type" is not "service_account" (an OAuth client file or a user credential is not a service account key)');
  for (const name of ['client_email', 'client_id', 'private_key'] as const) {
    if (typeof k[name] !== 'string' || !(k[name] as string).trim()) throw invalid(`"${name}" is missing`);
  }
  if (!EMAIL.test(k.client_email as string)) throw invalid('"client_email" is not an email address');
  try {
    const pk = crypto.createPrivateKey({ key: k.private_key as string, format: 'pem' });
    // RS256 (RFC 7518 §3.3) needs an RSA key; Google issues 2048-bit RSA keys.
    if (pk.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw invalid('"private_key" is not an RSA private key in PEM form');
  }
  return {
    client_email: k.client_email as string,
    client_id: k.client_id as string,
    private_key: k.private_key as string,
    ...(typeof k.private_key_id === 'string' ? { private_key_id: k.private_key_id } : {}),
  };
}

/** The key as sealed: its text (an object given is stored as JSON text), once it has been checked. */
export function serviceAccountKeyText(given: unknown): string {
  parseServiceAccountKey(given);
  return typeof given === 'string' ? given : JSON.stringify(given);
}
