import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import type { KeyRecord, Role } from '../../connector/store/keys.js';
import { validate } from '../../schemas/validator.js';

export interface KeyOperations {
  /** A new API key; `key` is in this answer only (Envoi keeps its hash). */
  create(input: { role: Role; scope: string; label?: string }): Promise<KeyRecord & { key: string }>;
  /** The keys not revoked, without key material. */
  list(): Promise<KeyRecord[]>;
  /** Revokes a key at once; NOT_FOUND when no such key is active. */
  revoke(id: string): Promise<void>;
}

/** Envoi's own API keys (for callers that do not come through a host's sign-in). */
export function keyOperations(core: Core): KeyOperations {
  return {
    create: (input) => core.keys.create(validate('key-request', input ?? {})),
    list: () => core.keys.list(),
    async revoke(id) {
      if (!(await core.keys.revoke(id))) throw new EnvoiError('NOT_FOUND', `No API key ${id}`);
    },
  };
}
