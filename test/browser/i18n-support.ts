// What the language tests share: the page's compiled catalogues (server/web/app/i18n, built by
// its own tsconfig) and the few English words another language really uses as they are.

export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | Plural;
export type Catalogue = Record<string, Message>;

/** The catalogues by language code, as the page's script has them. */
export async function loadCatalogues(): Promise<Record<string, Catalogue>> {
  // A computed URL: the root tsconfig does not compile the page (it has its own tsconfig).
  const url = new URL('../../server/web/app/i18n/catalogues.js', import.meta.url).href;
  return ((await import(url)) as { CATALOGUES: Record<string, Catalogue> }).CATALOGUES;
}

/** Every form of a message (one for a plain string). */
export const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m).filter((v): v is string => typeof v === 'string'));

/** The `{name}` placeholders of a text, sorted and without repeats. */
export const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();

/**
 * English texts a language shows unchanged on purpose, with why. Anything else equal to the
 * English catalogue's text is an untranslated string (the catalogue test fails on it), and the
 * page test flags it where it shows.
 */
export const SAME_AS_ENGLISH: Record<string, Record<string, string>> = {
  // Protocol, algorithm and standard names and units are not translated anywhere.
  '*': {
    TLS: 'protocol name',
    URL: 'standard term (URL in every one of these languages)',
    HTML: 'standard term (HTML in every one of these languages)',
    'Ed25519 (RFC 8463)': 'algorithm name and RFC number',
    Webhooks: 'the term used untranslated in these products (Standard Webhooks)',
    '{ms} ms': 'SI unit symbol',
    '{count} s': 'SI unit symbol',
  },
  fr: {
    Actions: 'same French word',
    Action: 'same French word',
    minute: 'same French word',
    Messages: 'same French word',
    Description: 'same French word',
    'via {source}': 'French uses “via”',
    Invitation: 'same French word',
  },
  de: {
    Name: 'same German word',
    Server: 'same German word',
    Status: 'same German word',
    Domain: 'same German word',
    Text: 'same German word',
    '{answer} in {ms} ms': 'German “in”, SI unit',
  },
  nl: {
    platform: 'same Dutch word',
    'tenant ': 'the term Dutch SaaS admin pages use',
    runtime: 'the term Dutch developers use',
    Provider: 'the term Dutch admin pages use (e-mailprovider)',
    Server: 'same Dutch word',
    Status: 'same Dutch word',
    Selector: 'the DKIM term as used in Dutch',
    Record: 'the DNS term as used in Dutch (DNS-record)',
    '{answer} in {ms} ms': 'Dutch “in”, SI unit',
    'via {source}': 'Dutch uses “via”',
    inline: 'the e-mail term as used in Dutch',
    'Headers ({count})': 'the e-mail term as used in Dutch',
    status: 'same Dutch word',
    Mail: 'the e-mail term as used in Dutch',
  },
  pt: {
    manual: 'same Portuguese word',
    'via {source}': 'Portuguese uses “via”',
  },
  ru: {},
};

/** True when `lang` may show the English text `text` as it is. */
export const allowedSame = (lang: string, text: string): boolean => text in SAME_AS_ENGLISH['*']! || text in (SAME_AS_ENGLISH[lang] ?? {});

/**
 * Where the page shows the server's own words: the connection form and presets (schema titles,
 * descriptions, hints), the action forms, a connection's summary cells, the manifest's event
 * titles, the API's warnings and results. Only there may a server text be English.
 */
export const SERVER_AREAS = ['.conn-form', '.field.preset', '.schema-form', '.more-fields', '.action-form > .field', 'tr[data-connection-id] td', 'dialog fieldset label.check', '.warnings', '.result'].join(', ');

/** Where the page shows the server's words for connections, which it asks in the page's language (issue #17). */
export const CONNECTION_AREAS = ['.conn-form', '.field.preset', 'tr[data-connection-id]', '.warnings'].join(', ');

export interface Shown {
  text: string;
  /** In one of SERVER_AREAS. */
  server: boolean;
  /** In one of CONNECTION_AREAS. */
  connection?: boolean;
}

/**
 * Every text the page shows: visible text nodes (options of visible selects too; screen-reader
 * text counts, being read to someone) and aria-label, placeholder and title of visible elements,
 * and the document's title. Code and preformatted blocks hold identifiers and data: skipped.
 */
export function collectTexts(page: import('playwright-core').Page): Promise<Shown[]> {
  return page.evaluate(([areas, connection]) => {
    const out: Array<{ text: string; server: boolean; connection: boolean }> = [{ text: document.title, server: false, connection: false }];
    const skip = (el: Element) => el.closest('code, pre, script, style, noscript, iframe, datalist') !== null;
    const add = (text: string, el: Element) => out.push({ text, server: el.closest(areas) !== null, connection: el.closest(connection) !== null });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!text || !el || skip(el)) continue;
      const shown = el.tagName === 'OPTION' ? el.closest('select') : el;
      if (shown?.checkVisibility()) add(text, el);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (skip(el) || !el.checkVisibility()) continue;
      for (const a of ['aria-label', 'placeholder', 'title']) {
        const v = el.getAttribute(a)?.trim();
        if (v) add(v, el);
      }
    }
    return out;
  }, [SERVER_AREAS, CONNECTION_AREAS] as const);
}

/** Waits until the page has no API request on its way for a moment (a screen has loaded). */
export async function settle(page: import('playwright-core').Page, quiet = 250): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  let pending = 0;
  const up = () => void pending++;
  const down = () => void pending--;
  page.on('request', up);
  page.on('requestfinished', down);
  page.on('requestfailed', down);
  try {
    for (let calm = 0; calm < quiet; calm += 50) {
      await page.waitForTimeout(50);
      if (pending > 0) calm = 0;
    }
  } finally {
    page.off('request', up);
    page.off('requestfinished', down);
    page.off('requestfailed', down);
  }
}

/** Every string of a JSON answer (titles, descriptions, labels, notes, hints…). */
export function stringsOf(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value.trim());
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsOf(v, into));
  return into;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A test for English the page shows in `lang`: a text equal to an English catalogue text (or to
 * one of `serverEnglish`, the server's English words it says otherwise in `lang`), to a sentence of
 * one with its placeholders filled, or to the words around a placeholder filled with an element
 * (“Subject: ” before a <strong>). A text the server sent in `lang` (`server`), shown where the
 * page shows the server's words, is the server's, but for one of `serverEnglish` in
 * CONNECTION_AREAS (a server that said it in English there is wrong too); words `lang` keeps on
 * purpose (SAME_AS_ENGLISH) are not English here.
 */
export function englishFinder(en: Catalogue, lang: string, server: Set<string>, serverEnglish: Iterable<string> = []): (shown: Shown) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  const hasWords = (s: string) => /\p{L}{2,}/u.test(s);
  // The server's English words are English where the page shows them, even among the server's words.
  const serverExact = new Set([...serverEnglish].map((t) => t.trim()).filter((t) => !allowedSame(lang, t)));
  for (const text of [...Object.values(en).flatMap(forms), ...serverEnglish]) {
    if (allowedSame(lang, text)) continue;
    const parts = text.split(/\{\w+\}/);
    if (parts.length === 1) {
      if (hasWords(text)) exact.add(text.trim());
      continue;
    }
    // Too few words around the placeholders (“{a} of {b}”) say nothing of the language: Dutch
    // “of” is English “or”. Those short ones are left to the catalogue test.
    if ((parts.join('').match(/\p{L}/gu) ?? []).length < 5) continue;
    // Words keep their spaces: “{a} of {b}” must not find “Secure off”.
    const literal = parts.map((p) => escape(p).replace(/\s+/g, '\\s+'));
    patterns.push(new RegExp(`^\\s*${literal.join('.+?')}\\s*$`, 's'));
    for (const p of parts) if (hasWords(p) && p.trim().length > 2) exact.add(p.trim());
  }
  return ({ text, server: area, connection }) => (connection === true && serverExact.has(text)) || (!(area && server.has(text)) && (exact.has(text) || patterns.some((r) => r.test(text))));
}
