// Every language's catalogue, by code. The English one defines the keys; `Catalogue` makes tsc
// fail when another language misses one (or has one English lacks).

import { de } from './de/index.js';
import { en } from './en/index.js';
import { fr } from './fr/index.js';
import { nl } from './nl/index.js';
import { pt } from './pt/index.js';
import { ru } from './ru/index.js';
import type { Message } from './types.js';

export type Key = keyof typeof en;
export type Catalogue = Record<Key, Message>;

export const CATALOGUES = { en, fr, de, nl, pt, ru } satisfies Record<string, Catalogue>;
export type Language = keyof typeof CATALOGUES;

/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', de: 'Deutsch', nl: 'Nederlands', pt: 'Português', ru: 'Русский' };
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];
