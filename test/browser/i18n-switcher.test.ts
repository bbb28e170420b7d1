// The page's language: the browser's first supported language (else English), the switcher in
// the top bar (each language in its own name), remembered in localStorage across reloads; a
// switch sets <html lang>, redraws the screen being looked at, and the API is asked in it.

import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser, startDemo, withPage } from './support.js';

describe('admin page: choosing the language (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemo>>;

  before(async function () {
    browser = await launchBrowser(this);
    demo = await startDemo();
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const htmlLang = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.lang);

  it('starts in the browser’s language, else English; the switcher names each language in itself', async () => {
    for (const [locale, lang, title] of [['pt-BR', 'pt', 'Iniciar sessão no Envoi'], ['ja-JP', 'en', 'Sign in to Envoi'], ['de-AT', 'de', 'Bei Envoi anmelden']] as const) {
      await withPage(
        browser,
        demo.url,
        async ({ page }) => {
          await page.goto(demo.url);
          await page.getByRole('heading', { level: 1, name: title }).waitFor();
          expect(await htmlLang(page), locale).to.equal(lang);
          const switcher = page.locator('#language');
          expect(await switcher.inputValue()).to.equal(lang);
          expect(await switcher.locator('option').allTextContents()).to.deep.equal(['English', 'Français', 'Deutsch', 'Nederlands', 'Português', 'Русский']);
        },
        { locale },
      );
    }
  });

  it('a switch redraws the sign-in screen and the open tab in the new language, asks the API in it, and is remembered', async () => {
    await withPage(browser, demo.url, async ({ page }) => {
      const asked: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/')) asked.push(r.headers()['accept-language'] ?? '');
      });
      await page.goto(demo.url);
      await page.getByRole('heading', { level: 1, name: 'Sign in to Envoi' }).waitFor();
      expect(await page.title()).to.equal('Envoi admin');

      // On the sign-in screen: its static words follow, the switcher keeps its own label.
      await page.getByLabel('Language', { exact: true }).selectOption('ru');
      await page.getByRole('heading', { level: 1, name: 'Вход в Envoi' }).waitFor();
      asked.length = 0; // the start's probe (whoami) went out in English, before the switch
      expect(await htmlLang(page)).to.equal('ru');
      expect(await page.title()).to.equal('Администрирование Envoi');
      expect(await page.locator('#api-key-help').textContent()).to.contain('Создать ключ: npm run envoi -- keys create');
      await page.getByLabel('API-ключ').fill(demo.adminKey);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('tablist', { name: 'Разделы' }).waitFor();
      expect(asked.length).to.be.greaterThan(0);
      expect(asked.filter((l) => l !== 'ru'), 'every API call in Russian').to.deep.equal([]);

      // On the Deliveries tab: a switch redraws it there, tab selected and heading in French.
      await page.getByRole('tab', { name: 'Отправки' }).click();
      await page.getByRole('heading', { name: 'Отправки области platform' }).waitFor();
      asked.length = 0;
      await page.getByLabel('Язык', { exact: true }).selectOption('fr');
      await page.getByRole('heading', { name: 'Envois de platform' }).waitFor();
      expect(await htmlLang(page)).to.equal('fr');
      expect(await page.getByRole('tab', { selected: true }).textContent()).to.equal('Envois');
      expect(await page.getByRole('tab').allTextContents()).to.deep.equal(['Connexions', 'Envois', 'Exclusions', 'DKIM', 'Essayer une action', 'Modèles', 'Webhooks', 'Boîte de test', 'Clés d’API']);
      expect(await page.getByLabel('Langue', { exact: true }).inputValue()).to.equal('fr');
      expect(new URL(page.url()).hash).to.equal('#deliveries');
      expect(asked.length).to.be.greaterThan(0);
      expect(asked.filter((l) => l !== 'fr'), 'every API call after the switch in French').to.deep.equal([]);

      // Remembered: a reload (the key kept in this tab) comes back in French, on the same tab.
      await page.reload();
      await page.getByRole('heading', { name: 'Envois de platform' }).waitFor();
      expect(await htmlLang(page)).to.equal('fr');
      expect(await page.evaluate(() => localStorage.getItem('envoi.language'))).to.equal('fr');

      // And back to English: the words every other test reads.
      await page.getByLabel('Langue', { exact: true }).selectOption('en');
      await page.getByRole('heading', { name: 'Deliveries of platform' }).waitFor();
      expect(await htmlLang(page)).to.equal('en');
    });
  });

  it("a switch brings the connection form's words from the server in the new language", async () => {
    await withPage(browser, demo.url, async ({ page }) => {
      await page.goto(demo.url);
      await page.locator('#api-key').fill(demo.adminKey);
      await page.locator('#signin-form button[type=submit]').click();
      await page.getByRole('tablist').waitFor();
      /** The provider and preset choices of the add-connection dialog. */
      const choices = async () => {
        await page.locator('#panel-connections .toolbar .btn.primary').click();
        const dialog = page.locator('dialog[open]');
        await dialog.locator('.conn-form').waitFor();
        const seen = { providers: await dialog.locator('select[name=provider] option').allTextContents(), presets: await dialog.locator('.field.preset select option').allTextContents() };
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        return seen;
      };
      const en = await choices();
      expect(en.providers).to.include('SMTP server');
      expect(en.presets).to.include('Other SMTP server');
      // The manifest and presets were fetched in English: the switch asks for them again, in German.
      await page.getByLabel('Language', { exact: true }).selectOption('de');
      await page.getByRole('heading', { name: 'Verbindungen' }).waitFor();
      const de = await choices();
      expect(de.providers).to.include('SMTP-Server').and.not.include('SMTP server');
      expect(de.presets).to.include('Anderer SMTP-Server').and.not.include('Other SMTP server');
      await page.getByLabel('Sprache', { exact: true }).selectOption('en');
      await page.getByRole('heading', { name: 'Connections' }).waitFor();
    });
  });

  it('plurals and dates follow the language (Intl)', async () => {
    await withPage(
      browser,
      demo.url,
      async ({ page }) => {
        await page.goto(demo.url);
        await page.locator('#signin-form').waitFor();
        // The page's own module, as the page loaded it.
        const out = await page.evaluate(async () => {
          const i18n = await import(new URL('app/i18n/index.js', document.baseURI).href);
          const problems = [1, 2, 5, 21, 22, 25].map((count) => i18n.t('try.problems', { count }));
          const date = i18n.dateTime(new Date(Date.UTC(2026, 11, 1, 9, 5)), { dateStyle: 'long', timeZone: 'UTC' });
          const big = i18n.t('common.bytes', { count: 1000 });
          return { problems, date, big };
        });
        expect(out.problems).to.deep.equal([
          '1 ошибка, отмечена у поля',
          '2 ошибки, отмечены у полей',
          '5 ошибок, отмечены у полей',
          '21 ошибка, отмечена у поля',
          '22 ошибки, отмечены у полей',
          '25 ошибок, отмечены у полей',
        ]);
        expect(out.date).to.equal('1 декабря 2026 г.');
        expect(out.big).to.equal('1\u00a0000 байт');
      },
      { locale: 'ru-RU' },
    );
  });
});
