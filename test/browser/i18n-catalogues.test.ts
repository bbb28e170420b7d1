// The admin page's catalogues, without a browser: every language has every key of English, no
// empty text, the same placeholders, plural forms its Intl.PluralRules knows, and no English left.

import { expect } from 'chai';
import { ERROR_CATALOGUE } from '../../schemas/errors.js';
import { allowedSame, forms, loadCatalogues, placeholders, SAME_AS_ENGLISH, type Catalogue } from './i18n-support.js';

describe('admin page catalogues (six languages)', () => {
  let all: Record<string, Catalogue>;
  let en: Catalogue;

  before(async () => {
    all = await loadCatalogues();
    en = all.en!;
  });

  it('are the six languages of design.md, English with a few hundred keys', () => {
    expect(Object.keys(all).sort()).to.deep.equal(['de', 'en', 'fr', 'nl', 'pt', 'ru']);
    expect(Object.keys(en).length).to.be.greaterThan(300);
  });

  for (const lang of ['fr', 'de', 'nl', 'pt', 'ru']) {
    describe(lang, () => {
      it('has exactly the keys of English', () => {
        const c = all[lang]!;
        expect(Object.keys(en).filter((k) => !(k in c)), 'missing').to.deep.equal([]);
        expect(Object.keys(c).filter((k) => !(k in en)), 'unknown').to.deep.equal([]);
      });

      it('has no empty text and the same placeholders as English in every form', () => {
        const wrong: string[] = [];
        for (const [key, m] of Object.entries(all[lang]!)) {
          const expected = placeholders(forms(en[key]!).join(' '));
          for (const text of forms(m)) {
            if (!text.trim()) wrong.push(`${key}: empty`);
            // A plural form may leave out {count} (“un avertissement”), never add or lose another.
            const got = placeholders(text);
            const need = typeof m === 'string' ? expected : expected.filter((p) => p !== 'count');
            if (got.some((p) => !expected.includes(p)) || need.some((p) => !got.includes(p))) wrong.push(`${key}: {${got}} vs English {${expected}}`);
          }
        }
        expect(wrong).to.deep.equal([]);
      });

      it("gives plurals the forms of the language's plural rules, each count one it has", () => {
        const rules = new Intl.PluralRules(lang);
        const categories = rules.resolvedOptions().pluralCategories as string[];
        // The categories counts up to 1,000 fall in (French and Portuguese “many” is for millions).
        const used = new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)));
        const wrong: string[] = [];
        for (const [key, m] of Object.entries(all[lang]!)) {
          const english = en[key]!;
          if (typeof english !== 'string' && typeof m === 'string') wrong.push(`${key}: English has plural forms, ${lang} one text`);
          if (typeof m === 'string') continue;
          for (const form of Object.keys(m)) if (!categories.includes(form)) wrong.push(`${key}: “${form}” is no plural category of ${lang} (${categories})`);
          for (const form of used) if (!(form in m)) wrong.push(`${key}: no “${form}” form`);
        }
        expect(wrong).to.deep.equal([]);
      });

      it('leaves no English text but the listed words the language uses as they are', () => {
        const same = Object.keys(en).filter((k) => JSON.stringify(all[lang]![k]) === JSON.stringify(en[k]));
        // Placeholders and punctuation only (“{attempts} / {max}”) are no words to translate.
        const words = same.filter((k) => /\p{L}/u.test(forms(en[k]!).join(' ').replace(/\{\w+\}/g, '')));
        expect(words.filter((k) => !forms(en[k]!).every((t) => allowedSame(lang, t))).map((k) => `${k}: ${JSON.stringify(en[k])}`)).to.deep.equal([]);
        // And the list holds no stale excuse: each word it names is one the catalogue has.
        const english = new Set(Object.values(en).flatMap(forms));
        expect(Object.keys(SAME_AS_ENGLISH[lang]!).filter((t) => !english.has(t))).to.deep.equal([]);
      });
    });
  }

  it("has words for every code of the API's error catalogue: a title and what to do (the others then by the key checks)", () => {
    const codes = Object.keys(ERROR_CATALOGUE);
    expect(codes.length).to.be.greaterThan(20);
    expect(codes.flatMap((c) => [`errors.${c}`, `errors.${c}.hint`]).filter((k) => !en[k])).to.deep.equal([]);
    expect(['errors.unknown', 'errors.unknown.hint', 'errors.technical'].filter((k) => !en[k])).to.deep.equal([]);
  });

  it('English plural messages have the forms English needs (one, other)', () => {
    const plural = Object.entries(en).filter(([, m]) => typeof m !== 'string');
    expect(plural.length).to.be.greaterThan(0);
    for (const [key, m] of plural) expect(Object.keys(m).sort(), key).to.deep.equal(['one', 'other']);
  });
});
