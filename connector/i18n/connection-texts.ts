import fs from 'node:fs';
import path from 'node:path';
import { SCHEMA_DIR } from '../../schemas/validator.js';
import type { Locale } from '../locales.js';
import type { Preset } from '../presets.js';

/**
 * The connection form's texts in the admin's language (issue #17): the composed connection
 * schema's labels, help, hints, section titles, enum labels and summaries, the presets' labels and
 * notes, and the warnings. English is the source (the schemas, presets.ts, the warnings' tables);
 * the translations sit beside each provider's settings.schema.json and beside
 * schemas/connection-common.json, gathered at build into schemas/connection.i18n.json
 * (scripts/connection-schema.mjs). A text without a translation stays English.
 */
interface LanguageTexts {
  /** JSON Pointer (RFC 6901) into the composed connection schema → text. */
  schema: Record<string, string>;
  /** `presets/<id>/<label|note|reason>`, `warnings/<key>/<message|hint|fix>` → text. */
  texts: Record<string, string>;
}

let loaded: Partial<Record<Locale, LanguageTexts>> | undefined;
const textsOf = (locale: Locale): LanguageTexts | undefined =>
  locale === 'en' ? undefined : (loaded ??= JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'connection.i18n.json'), 'utf8')) as Partial<Record<Locale, LanguageTexts>>)[locale];

/** A translation of a preset's or a warning's text (`presets/gmail/note`), or undefined. */
export const translation = (locale: Locale, key: string): string | undefined => textsOf(locale)?.texts[key];

const unescape = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');

/** The composed connection schema (as GET /manifest serves it) with its texts in `locale`. */
export function localizedConnectionSchema<T>(schema: T, locale: Locale): T {
  const words = textsOf(locale)?.schema;
  if (!words) return schema;
  const copy = structuredClone(schema);
  for (const [pointer, text] of Object.entries(words)) {
    const parts = pointer.slice(1).split('/').map(unescape);
    const last = parts.pop()!;
    const parent = parts.reduce<unknown>((node, p) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[p] : undefined), copy);
    // Only a text replaces a text: the schema served is the one the translations were made from.
    if (parent && typeof parent === 'object' && typeof (parent as Record<string, unknown>)[last] === 'string') (parent as Record<string, unknown>)[last] = text;
  }
  return copy;
}

/** The presets with their label, note and rate limit reason in `locale`. */
export function localizedPresets(presets: readonly Preset[], locale: Locale): Preset[] {
  return presets.map((p) => {
    const say = (field: string, english: string) => translation(locale, `presets/${p.id}/${field}`) ?? english;
    const limit = p.suggestedRateLimit;
    return { ...p, label: say('label', p.label), note: say('note', p.note), ...(limit ? { suggestedRateLimit: { ...limit, reason: say('reason', limit.reason) } } : {}) };
  });
}
