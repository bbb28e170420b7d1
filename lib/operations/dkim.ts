import crypto from 'node:crypto';
import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { defaultSelector, generateDkimKey, sealDkimKey, type DkimAlgorithm, type DkimKeyView } from '../../connector/dkim/keys.js';
import { viewOf } from '../../connector/store/dkim-keys.js';
import { validate } from '../../schemas/validator.js';

export interface DkimKeyOperations {
  /** The scope's keys (of one domain when given), each with the record to publish. */
  list(scope: string, query?: { domain?: string | undefined }): Promise<{ items: DkimKeyView[] }>;
  /**
   * Generates a key for a domain (default RSA-2048, selector `envoi<yyyymm>`) and answers the TXT
   * record to publish; CONFLICT when the domain has that selector already (pick another to rotate).
   */
  create(scope: string, input: { domain: string; selector?: string; algorithm?: DkimAlgorithm }): Promise<DkimKeyView>;
  /** Deletes a key: mail of its domain is signed with the next newest, or not at all. */
  remove(scope: string, id: string): Promise<void>;
}

/** DKIM keys as plain calls (design.md "Deliverability"). */
export function dkimKeyOperations(core: Core): DkimKeyOperations {
  return {
    async list(scope, query = {}) {
      return { items: (await core.dkimKeys.list(scope, query.domain || undefined)).map(viewOf) };
    },
    async create(scope, input) {
      const req = validate('dkim-key-request', input ?? {});
      const domain = req.domain.toLowerCase().replace(/\.$/, '');
      const selector = (req.selector ?? defaultSelector()).toLowerCase();
      const algorithm = req.algorithm ?? 'rsa-2048';
      const id = crypto.randomUUID();
      const generated = generateDkimKey(algorithm);
      const stored = {
        id, scope, domain, selector, algorithm, publicKey: generated.publicKey,
        sealed: sealDkimKey(core.keyring, { scope, id, domain, selector }, generated.privateKeyPem), createdAt: new Date().toISOString(),
      };
      if (!(await core.dkimKeys.insert(stored))) {
        throw new EnvoiError('DKIM_SELECTOR_TAKEN', `${domain} has a key with selector "${selector}" in this scope already`, {
          hint: 'Give another selector (e.g. envoi202612b) to add a key beside it, or delete the old key first.',
        });
      }
      core.dkimSigner.forget();
      core.logger.info('DKIM key created', { scope, domain, selector, algorithm });
      return viewOf(stored);
    },
    async remove(scope, id) {
      if (!(await core.dkimKeys.remove(scope, id))) {
        throw new EnvoiError('NOT_FOUND', 'This scope has no DKIM key with that id', { hint: 'List the DKIM keys of this scope to find its id.' });
      }
      core.dkimSigner.forget();
      core.logger.info('DKIM key deleted', { scope, id });
    },
  };
}
