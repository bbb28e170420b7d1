/** Locales of Envoi's system mails; `en` is the fallback. */
export const LOCALES = ['en', 'fr', 'de', 'nl', 'pt', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

const base = (v: string | undefined | false) => (v ? v.toLowerCase().split(/[-_]/)[0] : undefined);

/** A supported locale for a tag such as "fr-CA" ("fr"), or undefined. */
export function supportedLocale(tag: string | undefined | false): Locale | undefined {
  const b = base(tag);
  return b && (LOCALES as readonly string[]).includes(b) ? (b as Locale) : undefined;
}

/** Picks a supported locale from an explicit value, else from Accept-Language matches, else en. */
export function pickLocale(explicit: string | undefined, accepted: string | false | undefined): Locale {
  return supportedLocale(explicit) ?? supportedLocale(accepted) ?? 'en';
}
