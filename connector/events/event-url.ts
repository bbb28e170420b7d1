/**
 * The URL a connection's provider posts its events to (design.md "Bounces, complaints and
 * suppression"), as the connection view shows it: `<ENVOI_PUBLIC_URL>/hooks/v1/<id>`, or what the
 * provider makes of it (Postmark's carries the credentials Envoi generated). Without
 * ENVOI_PUBLIC_URL Envoi cannot know its public address: the URL is null, with a warning.
 */
import type { Warning } from '../connection-warnings.js';
import { warning, type WarningTexts } from '../i18n/warning-texts.js';
import { providerOf } from '../providers/registry.js';
import type { StoredConnection } from '../store/connection-types.js';

export interface EventUrlContext {
  publicUrl: string | undefined;
  macKeys(purpose: string): Buffer[];
}

/** The English of the warnings every provider may give (the other languages: schemas/connection-common.i18n.json). */
export const COMMON_WARNINGS = {
  PUBLIC_URL_UNSET: {
    code: 'PUBLIC_URL_UNSET',
    message: 'Envoi does not know its public address, so it cannot show the URL the provider should post its events to',
    hint: 'Set ENVOI_PUBLIC_URL to the address this server is reached at (e.g. https://mail.example.com); bounces and complaints then come back through the event URL.',
  },
} as const satisfies WarningTexts;

/** The path the event receiver is mounted at (server/router.ts). */
export const HOOKS_PATH = '/hooks/v1';

/** `{eventUrl, warnings}` for a connection whose provider posts events; nothing for the others. */
export function eventUrlOf(c: StoredConnection, ctx: EventUrlContext): { eventUrl?: string | null; warnings: Warning[] } {
  const inbound = providerOf(c.provider).inbound;
  if (!inbound) return { warnings: [] };
  if (!ctx.publicUrl) {
    return {
      eventUrl: null,
      warnings: [warning(COMMON_WARNINGS, 'PUBLIC_URL_UNSET')],
    };
  }
  const base = ctx.publicUrl.replace(/\/+$/, '');
  return { eventUrl: inbound.eventUrl ? inbound.eventUrl(base, c, ctx.macKeys) : `${base}${HOOKS_PATH}/${encodeURIComponent(c.id)}`, warnings: [] };
}
