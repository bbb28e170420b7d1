import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import type { Suppression, SuppressionReason } from '../../connector/store/suppressions.js';
import { verifyUnsubscribe } from '../../connector/unsubscribe-token.js';
import { validate } from '../../schemas/validator.js';

const REASONS: readonly SuppressionReason[] = ['hard-bounce', 'complaint', 'unsubscribe', 'manual'];

/** Which entries to list: part of an address, a reason, a page size (1–500, default 50) and the previous page's cursor. */
export interface SuppressionQuery {
  email?: string | undefined;
  reason?: string | undefined;
  limit?: number | string | undefined;
  cursor?: string | undefined;
}

export interface SuppressionOperations {
  list(scope: string, query?: SuppressionQuery): Promise<{ items: Suppression[]; nextCursor: string | null }>;
  /** Adds an address by hand (reason `manual`); CONFLICT when it is listed already (its first reason stays). */
  add(scope: string, input: { email: string; reason?: 'manual' }): Promise<Suppression>;
  /** Takes an address off the list, so mail reaches it again; NOT_FOUND when it is not listed. */
  remove(scope: string, email: string): Promise<void>;
  /**
   * A one-click unsubscribe (RFC 8058): the token's recipient joins its scope's list with reason
   * `unsubscribe`; UNSUBSCRIBE_LINK_INVALID when the token was not made by this server.
   */
  unsubscribe(token: string): Promise<{ scope: string; email: string }>;
  /** Whose link a token is, without acting on it (the confirmation page shows the address). */
  readToken(token: string): { scope: string; email: string };
}

const invalidLink = () => new EnvoiError('UNSUBSCRIBE_LINK_INVALID', 'This unsubscribe link is not valid');

/** The suppression lists of the scopes as plain calls. */
export function suppressionOperations(core: Core): SuppressionOperations {
  const readToken = (token: string) => {
    const claim = verifyUnsubscribe(core.keyring, token);
    if (!claim) throw invalidLink();
    return claim;
  };
  return {
    async list(scope, query = {}) {
      if (query.reason !== undefined && !(REASONS as readonly string[]).includes(query.reason)) {
        throw new EnvoiError('VALIDATION_FAILED', `"${query.reason}" is not a suppression reason`, { details: [{ path: '/reason', message: `must be one of ${REASONS.join(', ')}` }] });
      }
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new EnvoiError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 500', { details: [{ path: '/limit', message: 'must be from 1 to 500' }] });
      }
      if (query.email !== undefined && query.email.length > 320) {
        throw new EnvoiError('VALIDATION_FAILED', 'email is longer than an address can be', { details: [{ path: '/email', message: 'must be at most 320 characters' }] });
      }
      return core.suppressions.list(scope, { email: query.email || undefined, reason: query.reason as SuppressionReason | undefined, limit, cursor: query.cursor || undefined });
    },
    async add(scope, input) {
      const { email } = validate('suppression-request', input ?? {});
      if (!(await core.suppressions.add(scope, email, 'manual'))) {
        throw new EnvoiError('CONFLICT', `${email} is on this scope's suppression list already`, { hint: 'Nothing to do: mail to it is already dropped.' });
      }
      core.logger.info('address suppressed', { scope, reason: 'manual' });
      return (await core.suppressions.get(scope, email))!;
    },
    async remove(scope, email) {
      if (!(await core.suppressions.remove(scope, email))) {
        throw new EnvoiError('NOT_FOUND', `${email} is not on this scope's suppression list`, { hint: 'List the suppressions of this scope to find the address.' });
      }
      core.logger.info('address unsuppressed', { scope });
    },
    async unsubscribe(token) {
      const claim = readToken(token);
      // A second click finds the address listed (maybe for a bounce first): still unsubscribed.
      if (await core.suppressions.add(claim.scope, claim.email, 'unsubscribe', claim.deliveryId)) {
        core.logger.info('address unsubscribed', { scope: claim.scope, deliveryId: claim.deliveryId });
      }
      return { scope: claim.scope, email: claim.email };
    },
    readToken: (token) => {
      const { scope, email } = readToken(token);
      return { scope, email };
    },
  };
}
