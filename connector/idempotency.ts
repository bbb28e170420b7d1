import crypto from 'node:crypto';
import { EnvoiError } from './errors.js';

/**
 * Idempotency like Stripe's (https://docs.stripe.com/api/idempotent_requests): a key replays the
 * first delivery only for the same request; the same key with another input is an error
 * (design.md "Errors": IDEMPOTENCY_KEY_REUSED, 422; the first delivery is untouched).
 */

/** JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` are the same input. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The SHA-256 (hex) of an execute request as idempotency compares it: the action and its input. */
export function inputHash(action: string, input: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson({ action, input })).digest('hex');
}

/**
 * Throws IDEMPOTENCY_KEY_REUSED when a key already held by `deliveryId` came with another input.
 * A delivery stored before hashes were kept (null) counts as the same input: nothing to compare.
 */
export function checkSameInput(key: string, deliveryId: string, stored: string | null, given: string | undefined): void {
  if (!stored || !given || stored === given) return;
  throw new EnvoiError('IDEMPOTENCY_KEY_REUSED', `The idempotency key "${key}" was first used with a different input (delivery ${deliveryId}); that delivery is untouched and nothing was queued`);
}
