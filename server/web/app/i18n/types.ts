// The shapes of the admin page's message catalogues. English defines the keys (en/index.ts);
// every other language is typed against it, so tsc fails when a language misses a key.

/**
 * A message with plural forms, chosen by `Intl.PluralRules` of the language for `{count}`
 * (CLDR categories: English needs one/other, Russian one/few/many/other).
 */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | Plural;

/** A language's part of a catalogue: the same keys as the English part `T`. */
export type Part<T> = Record<keyof T, Message>;
