// The page's language in the shell: the switcher in the top bar and index.html's own words
// (marked with data-i18n / data-i18n-aria-label), translated at start and after every switch.

import { h } from './dom.js';
import { language, LANGUAGE_NAMES, LANGUAGES, onLanguageChange, setLanguage, t, tNodes, type Key } from './i18n/index.js';

/** Puts index.html's static text into the chosen language. */
function translateStatic(): void {
  document.title = t('shell.title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n as Key;
    // A sentence holding a command keeps it as a <code> placed where the language puts it.
    const code = el.querySelector('code');
    if (code) el.replaceChildren(...tNodes(key, { command: code }));
    else el.textContent = t(key);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel as Key));
}

/** Fills the switcher, translates the static text, and calls `rerender` after each switch. */
export function startLanguage(rerender: () => void): void {
  const select = document.getElementById('language') as HTMLSelectElement;
  // Each language in its own name and marked with its lang, so screen readers say it right.
  select.replaceChildren(...LANGUAGES.map((l) => h('option', { value: l, lang: l }, LANGUAGE_NAMES[l])));
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value as typeof LANGUAGES[number]));
  onLanguageChange(() => {
    select.value = language();
    translateStatic();
    rerender();
  });
  translateStatic();
}
