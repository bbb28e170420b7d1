/** Locales of Envoi's system mails; `en` is the fallback. */
export const LOCALES = ['en', 'fr', 'de', 'nl', 'pt', 'ru'];
const base = (v) => (v ? v.toLowerCase().split(/[-_]/)[0] : undefined);
/** A supported locale for a tag such as "fr-CA" ("fr"), or undefined. */
export function supportedLocale(tag) {
    const b = base(tag);
    return b && LOCALES.includes(b) ? b : undefined;
}
/** Picks a supported locale from an explicit value, else from Accept-Language matches, else en. */
export function pickLocale(explicit, accepted) {
    return supportedLocale(explicit) ?? supportedLocale(accepted) ?? 'en';
}
//# sourceMappingURL=locales.js.map