import type { EmailConnection } from '../schemas/types.js';
import { extraSecretFlags } from './connection-extra-secrets.js';
import { secretFieldOf } from './connection-secrets.js';
import { mergeWarnings, type Warning } from './connection-warnings.js';
import { eventUrlOf, type EventUrlContext } from './events/event-url.js';
import { localizeWarnings } from './i18n/warning-texts.js';
import type { Locale } from './locales.js';
import type { StoredConnection } from './store/connections.js';

/** A connection as the API shows it: no secret, `hasSecret` (and `has…` per extra secret) instead, plus warnings. */
export type ConnectionView = Omit<EmailConnection, 'fallback'> & {
  id: string; scope: string; hasSecret: boolean; isDefault: boolean; health: StoredConnection['health']; warnings: Warning[];
  /** The connection that carries the mail when this one fails, or null. */
  fallback: StoredConnection['fallback'];
};

/**
 * Shows a stored connection the way the API may: masked, with warnings; with `events`, a
 * provider that posts events adds its `eventUrl`.
 */
export function connectionView(c: StoredConnection, extraWarnings: Warning[] = [], events?: EventUrlContext): ConnectionView {
  const hook = events ? eventUrlOf(c, events) : { warnings: [] };
  return {
    id: c.id,
    scope: c.scope,
    name: c.name,
    provider: c.provider,
    ...c.settings,
    fallback: c.fallback,
    hasSecret: c.secretFields.includes(secretFieldOf(c.provider, c.settings)),
    ...extraSecretFlags(c),
    isDefault: c.isDefault,
    health: c.health,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(hook.eventUrl !== undefined ? { eventUrl: hook.eventUrl } : {}),
    warnings: mergeWarnings(c.provider, c.settings, [...extraWarnings, ...hook.warnings]),
  };
}

/** The view with its warnings in `locale` (the API's answer to an admin's Accept-Language). */
export const localizedView = (view: ConnectionView, locale: Locale): ConnectionView => (locale === 'en' ? view : { ...view, warnings: localizeWarnings(view.warnings, locale) });
