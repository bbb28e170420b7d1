// The top bar at 1280×800 (issue #17): signed in with a platform admin key (the widest bar: the
// key, its role, the scope picker, sign-out and the language switcher), it stays one line high in
// every language the page speaks, and the switcher is still labelled and reached with Tab.

import { expect } from 'chai';
import { withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

const LANGUAGES = { en: 'Language', fr: 'Langue', de: 'Sprache', nl: 'Taal', pt: 'Idioma', ru: 'Язык' } as const;

describe('admin page: the top bar on one line (browser)', function () {
  this.timeout(90_000);

  const s = browserSuite();

  for (const [lang, label] of Object.entries(LANGUAGES)) {
    it(`${lang}: one line at 1280 px, the switcher labelled “${label}” and reached with Tab`, async () => {
      await withSignedInPage(
        s.browser,
        s.envoi.url,
        s.envoi.adminKey,
        async ({ page }) => {
          expect(await page.evaluate(() => document.documentElement.lang)).to.equal(lang);
          const bar = page.locator('header.topbar');
          await bar.locator('.scope-picker').waitFor();
          // Every piece of the bar on the same row: their boxes overlap vertically, and the bar is
          // no taller than one row of them plus its padding.
          const boxes = await bar.evaluate((el) =>
            [...el.querySelectorAll(':scope > .brand, :scope > .language, #who > *')].map((e) => {
              const r = e.getBoundingClientRect();
              return { what: e.className || e.tagName, top: r.top, bottom: r.bottom, right: r.right };
            }),
          );
          expect(boxes.length).to.be.at.least(5);
          const lowestTop = Math.max(...boxes.map((b) => b.top));
          const highestBottom = Math.min(...boxes.map((b) => b.bottom));
          expect(lowestTop, `one row: ${JSON.stringify(boxes)}`).to.be.below(highestBottom);
          expect((await bar.boundingBox())!.height, 'one line high').to.be.below(60);
          expect(Math.max(...boxes.map((b) => b.right)), 'nothing past the right edge').to.be.at.most(1280);

          const switcher = page.getByLabel(label, { exact: true });
          expect(await switcher.evaluate((el) => el.id)).to.equal('language');
          expect(await switcher.inputValue()).to.equal(lang);
          // From the last control before it, Tab lands on the switcher.
          await page.locator('#who > button').last().focus();
          await page.keyboard.press('Tab');
          expect(await page.evaluate(() => document.activeElement?.id)).to.equal('language');
        },
        { locale: lang },
      );
    });
  }
});
