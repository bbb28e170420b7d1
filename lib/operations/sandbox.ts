import { assertScope } from '../../connector/connection-rules.js';
import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { mailView, type MailView } from '../../connector/mail-view.js';
import type { MailboxItem } from '../../connector/store/mailbox.js';
import type { ScopeSettings } from '../../connector/store/scope-settings.js';
import { validate } from '../../schemas/validator.js';

/** A scope's settings as GET …/settings answers them, and whether the whole instance is a sandbox. */
export type SettingsView = ScopeSettings & {
  /** ENVOI_SANDBOX (or demo mode): every scope's mail is captured, whatever the scope's own settings say. */
  instanceSandbox: boolean;
};

/** One captured mail: the mailbox item, the message as a reader sees it, and the message itself. */
export type CapturedMailView = MailboxItem & { message: MailView; raw: string };

export interface SandboxOperations {
  settings(scope: string): Promise<SettingsView>;
  /** Replaces a scope's settings (schemas/scope-settings.schema.json); answers them as stored. */
  putSettings(scope: string, input: unknown): Promise<SettingsView>;
  /** The scope's captured mail, newest first (limit 1–500, default 50). */
  mailbox(scope: string, query?: { limit?: number | string | undefined; cursor?: string | undefined }): Promise<{ items: MailboxItem[]; nextCursor: string | null }>;
  /** One captured mail; NOT_FOUND when the scope has no such mail (any more: the oldest are dropped). */
  mail(scope: string, id: string): Promise<CapturedMailView>;
  /** Empties the scope's mailbox. */
  clearMailbox(scope: string): Promise<void>;
}

/** Sandbox mode (design.md "Sandbox") as plain calls: the scope settings and the mailbox. */
export function sandboxOperations(core: Core): SandboxOperations {
  const view = (s: ScopeSettings): SettingsView => ({ sandbox: { enabled: s.sandbox.enabled, allow: [...s.sandbox.allow] }, instanceSandbox: core.sandbox.instance });
  return {
    settings: async (scope) => view(await core.sandbox.settings(scope)),
    async putSettings(scope, input) {
      assertScope(scope);
      const s = validate('scope-settings', input ?? {});
      // Stored lower-cased and trimmed: the list matches an address however it is spelled.
      const settings: ScopeSettings = { sandbox: { enabled: s.sandbox.enabled, allow: [...new Set(s.sandbox.allow.map((a) => a.trim().toLowerCase()))] } };
      await core.sandbox.putSettings(scope, settings);
      core.logger.info('scope settings changed', { scope, sandbox: settings.sandbox.enabled, allow: settings.sandbox.allow.length });
      return view(settings);
    },
    async mailbox(scope, query = {}) {
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new EnvoiError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 500', { details: [{ path: '/limit', message: 'must be from 1 to 500' }] });
      }
      return core.mailbox.list(scope, { limit, cursor: query.cursor || undefined });
    },
    async mail(scope, id) {
      const m = await core.mailbox.get(scope, id);
      if (!m) throw new EnvoiError('NOT_FOUND', `No captured mail ${id} in this scope`, { hint: `List the mailbox of this scope to find the id; only the newest ${core.config.mailboxMax} are kept.` });
      return { ...m, message: await mailView(m.raw) };
    },
    async clearMailbox(scope) {
      const n = await core.mailbox.clear(scope);
      core.logger.info('mailbox emptied', { scope, removed: n });
    },
  };
}
