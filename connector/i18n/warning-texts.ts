import type { Warning, WarningFix } from '../connection-warnings.js';
import type { Locale } from '../locales.js';
import { translation } from './connection-texts.js';

/**
 * A warning's English words, `{name}` placeholders filled from the values it is made with. The
 * tables sit with the code that warns (a provider's `warningTexts`, COMMON_WARNINGS); the other
 * languages are `warnings/<key>/<message|hint|fix>` in the `.i18n.json` beside that code's schema.
 * A table's key names the text (one code may have several: SECURE_PORT_MISMATCH on 465 or on 587),
 * and is unique across all tables.
 */
export interface WarningText {
  code: string;
  message: string;
  hint?: string;
  /** The label of the fix's button. */
  fix?: string;
}
export type WarningTexts = Readonly<Record<string, WarningText>>;
type Values = Readonly<Record<string, string | number>>;

/**
 * What a warning was made from, under a symbol: JSON leaves it out of every answer, and the
 * boundary (localizeWarnings) says the warning again in the admin's language from it.
 */
const MADE_FROM = Symbol('warning text');
type Made = Warning & { [MADE_FROM]?: { key: string; values: Values } };

const fill = (text: string, values: Values) => text.replace(/\{(\w+)\}/g, (all, name: string) => (name in values ? String(values[name]) : all));

/** The warning `key` of `texts` in English, with `values` in its placeholders; `set` is its fix's change. */
export function warning(texts: WarningTexts, key: string, values: Values = {}, set?: WarningFix['set']): Warning {
  const w = texts[key];
  if (!w) throw new Error(`No warning text "${key}"`);
  const made: Made = {
    code: w.code,
    message: fill(w.message, values),
    ...(w.hint ? { hint: fill(w.hint, values) } : {}),
    ...(w.fix && set ? { fix: { label: fill(w.fix, values), set } } : {}),
  };
  made[MADE_FROM] = { key, values };
  return made;
}

/** The warnings in `locale`: those made by warning() say their translated words; the others stay as they are. */
export function localizeWarnings(warnings: readonly Warning[], locale: Locale): Warning[] {
  return warnings.map((w: Made) => {
    const from = w[MADE_FROM];
    if (locale === 'en' || !from) return w;
    const say = (field: keyof WarningText, english: string) => {
      const text = translation(locale, `warnings/${from.key}/${field}`);
      return text === undefined ? english : fill(text, from.values);
    };
    return {
      code: w.code,
      message: say('message', w.message),
      ...(w.hint !== undefined ? { hint: say('hint', w.hint) } : {}),
      ...(w.fix ? { fix: { ...w.fix, label: say('fix', w.fix.label) } } : {}),
    };
  });
}
