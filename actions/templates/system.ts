import { PLATFORM_SCOPE } from '../../connector/connections.js';
import { supportedLocale, type Locale } from '../../connector/locales.js';
import type { TemplateStore } from '../../connector/store/templates.js';
import { BUILTIN_TEMPLATES, type MailTemplate, type SystemAction } from './builtin.js';

export const SYSTEM_ACTIONS: readonly SystemAction[] = ['send-invitation', 'send-signup-confirmation'];

export interface ResolvedTemplate extends MailTemplate {
  action: SystemAction;
  locale: Locale;
  /** Where it came from: the scope's own, the platform's, or the built-in one. */
  source: 'scope' | 'platform' | 'builtin';
}

export function isSystemAction(action: string): action is SystemAction {
  return (SYSTEM_ACTIONS as readonly string[]).includes(action);
}

/**
 * The template a system mail uses in a scope and locale: the scope's own, else the platform's
 * (a host may restyle every tenant's mails), else the built-in one. Unknown locales use en.
 */
export async function systemTemplate(store: TemplateStore, scope: string, action: SystemAction, requested: string | undefined): Promise<ResolvedTemplate> {
  const locale = supportedLocale(requested) ?? 'en';
  const found = await store.firstOf(scope === PLATFORM_SCOPE ? [scope] : [scope, PLATFORM_SCOPE], action, locale);
  if (found) {
    const t = found.template;
    return { action, locale, source: found.index === 0 ? 'scope' : 'platform', subject: t.subject, html: t.html, text: t.text };
  }
  return { action, locale, source: 'builtin', ...BUILTIN_TEMPLATES[action][locale] };
}
