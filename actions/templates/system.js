import { PLATFORM_SCOPE } from '../../connector/connections.js';
import { supportedLocale } from '../../connector/locales.js';
import { BUILTIN_TEMPLATES } from './builtin.js';
export const SYSTEM_ACTIONS = ['send-invitation', 'send-signup-confirmation'];
export function isSystemAction(action) {
    return SYSTEM_ACTIONS.includes(action);
}
/**
 * The template a system mail uses in a scope and locale: the scope's own, else the platform's
 * (a host may restyle every tenant's mails), else the built-in one. Unknown locales use en.
 */
export async function systemTemplate(store, scope, action, requested) {
    const locale = supportedLocale(requested) ?? 'en';
    const found = await store.firstOf(scope === PLATFORM_SCOPE ? [scope] : [scope, PLATFORM_SCOPE], action, locale);
    if (found) {
        const t = found.template;
        return { action, locale, source: found.index === 0 ? 'scope' : 'platform', subject: t.subject, html: t.html, text: t.text };
    }
    return { action, locale, source: 'builtin', ...BUILTIN_TEMPLATES[action][locale] };
}
//# sourceMappingURL=system.js.map