// The admin page's words: `t(key, params)` in the chosen language, with `{name}` placeholders,
// plural forms through Intl.PluralRules and numbers and dates through Intl for that language.
// A screen adds its strings to i18n/en/<screen>.ts and the same keys to the other languages.

import { CATALOGUES, LANGUAGES, type Key, type Language } from './catalogues.js';
import type { Message } from './types.js';

export { LANGUAGE_NAMES, LANGUAGES, type Key, type Language } from './catalogues.js';

const STORE = 'envoi.language';
type Params = Record<string, string | number>;

/** The first of the browser's languages the page speaks (primary subtag), else English. */
export function browserLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0] as Language;
    if (LANGUAGES.includes(primary)) return primary;
  }
  return 'en';
}

function stored(): Language | null {
  try {
    const v = localStorage.getItem(STORE) as Language | null;
    return v && LANGUAGES.includes(v) ? v : null;
  } catch {
    return null; // storage refused (privacy settings): the browser's language then
  }
}

let current: Language = stored() ?? browserLanguage();
const listeners = new Set<() => void>();
document.documentElement.lang = current;

export const language = (): Language => current;

/** Chooses the page's language: remembered in localStorage, `<html lang>` set, listeners re-render. */
export function setLanguage(lang: Language): void {
  current = lang;
  try {
    localStorage.setItem(STORE, lang);
  } catch {
    /* not remembered; still switched */
  }
  document.documentElement.lang = lang;
  for (const fn of listeners) fn();
}

/** Runs `fn` after every language switch. */
export const onLanguageChange = (fn: () => void): void => void listeners.add(fn);

const plurals = new Map<string, Intl.PluralRules>();
const rules = (lang: string) => plurals.get(lang) ?? plurals.set(lang, new Intl.PluralRules(lang)).get(lang)!;

/** The message's template for `params.count` (a plain string has one form). */
function template(m: Message, params: Params | undefined, lang: string): string {
  if (typeof m === 'string') return m;
  const count = params?.count;
  return (typeof count === 'number' ? m[rules(lang).select(count)] : undefined) ?? m.other;
}

/** Whether the catalogue has `key` (a key made at run time, such as an API error's code). */
export const hasKey = (key: string): key is Key => key in CATALOGUES.en;

/** A message of the chosen language with its `{placeholders}` filled (numbers formatted). */
export function t(key: Key, params?: Params): string {
  const lang = current;
  const m = CATALOGUES[lang][key] ?? CATALOGUES.en[key];
  return template(m, params, lang).replace(/\{(\w+)\}/g, (all, name: string) => {
    const v = params?.[name];
    return v === undefined ? all : typeof v === 'number' ? number(v) : v;
  });
}

/**
 * A message whose placeholders are nodes (a `<code>` or a `<strong>` in the sentence): returns
 * the text around them and the nodes, in the language's word order.
 */
export function tNodes(key: Key, params: Record<string, Node | string | number>): Array<Node | string> {
  const lang = current;
  const text = template(CATALOGUES[lang][key] ?? CATALOGUES.en[key], params as Params, lang);
  return text.split(/(\{\w+\})/).filter(Boolean).map((part) => {
    const v = /^\{(\w+)\}$/.test(part) ? params[part.slice(1, -1)] : undefined;
    return v === undefined ? part : typeof v === 'number' ? number(v) : v;
  });
}

/** A number in the chosen language's format. */
export const number = (n: number, options?: Intl.NumberFormatOptions): string => new Intl.NumberFormat(current, options).format(n);

/** A date and time in the chosen language's format. */
export const dateTime = (d: Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium' }): string => new Intl.DateTimeFormat(current, options).format(d);

/** A size in bytes as people read it (B, kB, MB), in the language's number format. */
export function bytesText(n: number): string {
  if (n < 1024) return t('common.bytes', { count: n });
  const unit = n < 1024 * 1024 ? 'kilobyte' : 'megabyte';
  return new Intl.NumberFormat(current, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n / (unit === 'kilobyte' ? 1024 : 1024 * 1024));
}
