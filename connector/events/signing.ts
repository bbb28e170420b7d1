/**
 * Webhook secrets and signatures as the Standard Webhooks specification defines them
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
 * so its libraries (the `standardwebhooks` npm package, Svix's) verify Envoi's messages unchanged.
 */
import crypto from 'node:crypto';
import type { Keyring } from '../secrets.js';

/** A new secret: `whsec_` and the base64 of 32 random bytes (the spec asks for 24 to 64). */
export function newSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

/** The key bytes of a secret: the base64 after the `whsec_` prefix. */
export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/**
 * The three headers of one try: `webhook-id` (the message id, the same on every retry),
 * `webhook-timestamp` (Unix seconds of this try) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 */
export function signedHeaders(secret: string, id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  const mac = crypto.createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
}

/** The additional data an endpoint's secret is sealed with: its scope and row, so a copied ciphertext never opens elsewhere. */
const context = (scope: string, endpointId: string) => ({ scope, rowId: endpointId, field: 'webhook-secret' });

/** Seals an endpoint's secret for its row (secrets.ts: AES-256-GCM, the key id kept for rotation). */
export function sealWebhookSecret(keyring: Keyring, scope: string, endpointId: string, secret: string): { secret_key_id: string; secret_sealed: string } {
  const sealed = keyring.seal(secret, context(scope, endpointId));
  return { secret_key_id: sealed.keyId, secret_sealed: sealed.value };
}

/** Opens an endpoint's sealed secret. */
export function openWebhookSecret(keyring: Keyring, row: { scope: string; id: string; secret_key_id: string; secret_sealed: string }): string {
  return keyring.open({ keyId: row.secret_key_id, value: row.secret_sealed }, context(row.scope, row.id));
}
