// Screenshots of every screen at 1280×800 and 375×800, per language, into
// docs/screenshots/<lang>/<screen>.png and <screen>-375.png. Only with ENVOI_SCREENSHOTS=1
// (`npm test` leaves the committed images alone):
//   ENVOI_SCREENSHOTS=1 npx mocha --no-config --timeout 120000 --exit dist/test/browser/a11y-screenshots.test.js
// The language is asked for as an admin would: the browser's language and the page's own
// setting (localStorage 'envoi.lang', which the language switcher keeps). A language the page
// does not speak yet (its <html lang> stays another) is reported and skipped, not captured.

import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { PopulatedEnvoi, SCREENS } from './a11y-fixture.js';
import { launchBrowser, openPage, signIn } from './support.js';

const LANGS = (process.env.ENVOI_SCREENSHOT_LANGS ?? 'en,fr').split(',').map((l) => l.trim()).filter(Boolean);
const LOCALES: Record<string, string> = { en: 'en-US', fr: 'fr-FR', de: 'de-DE', nl: 'nl-NL', pt: 'pt-PT', ru: 'ru-RU' };

/** Waits for the page to settle (fonts, a last render) and captures the viewport only (small files). */
async function capture(page: Page, file: string, reveal?: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  if (reveal) await page.locator(reveal).first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide' });
}

// A tool, not a check of the suite: it exists only when asked for, so `npm test` counts nothing skipped.
const screenshots = process.env.ENVOI_SCREENSHOTS === '1' ? describe : () => undefined;

screenshots('admin page screenshots per language (ENVOI_SCREENSHOTS=1)', function () {
  this.timeout(300_000);
  let browser: Browser;
  let env: PopulatedEnvoi;

  before(async function () {
    browser = await launchBrowser(this);
    env = await new PopulatedEnvoi().start();
  });
  after(async () => {
    await browser?.close();
    await env?.stop();
  });

  for (const lang of LANGS) {
    it(`captures every screen in ${lang} at 1280 and 375 px`, async function () {
      const dir = path.resolve('docs', 'screenshots', lang);
      const written: string[] = [];
      for (const width of [1280, 375]) {
        const p = await openPage(browser, env.envoi.url, { locale: LOCALES[lang] ?? lang });
        try {
          const { page } = p;
          // Also runs in the mail's sandboxed frame, which has no storage.
          await page.addInitScript((l) => { try { localStorage.setItem('envoi.lang', l); } catch { /* a sandboxed frame */ } }, lang);
          await page.setViewportSize({ width, height: 800 });
          await page.goto(env.envoi.url);
          await page.locator('#signin-form').waitFor();
          const spoken = await page.evaluate(() => document.documentElement.lang);
          expect(spoken, `the page speaks ${lang}`).to.match(new RegExp(`^${lang}`));
          fs.mkdirSync(dir, { recursive: true });
          for (const screen of SCREENS.filter((s) => !s.needsDns || env.dns)) {
            if (screen.name === 'sign-in') await page.goto(env.envoi.url);
            else if (!(await page.locator('#workspace:not([hidden])').count())) await signIn(page, env.envoi.url, env.envoi.adminKey);
            await screen.open(page);
            const file = path.join(dir, `${screen.name}${width === 1280 ? '' : `-${width}`}.png`);
            await capture(page, file, screen.reveal);
            written.push(file);
            if (await page.locator('dialog[open]').count()) {
              await page.keyboard.press('Escape');
              await page.locator('dialog').waitFor({ state: 'detached' });
            }
          }
          p.check();
        } finally {
          await p.close();
        }
      }
      for (const f of written) expect(fs.statSync(f).size, f).to.be.above(1000);
    });
  }
});
