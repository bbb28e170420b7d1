// The admin page in each of its five other languages (chosen from the browser's language) shows
// no English: every screen is walked — sign-in (with its own error), each tab, the connections of
// every provider with their summaries and warnings, the add-connection dialog through every preset
// and provider with its sections open, a warned connection's edit dialog and its fix, the test-mail
// dialog, a delivery's detail, the templates (saved, previewed, returned to the built-in), a new
// webhook endpoint, a new API key and its revocation — and every text it shows is compared with
// the English catalogue and with the server's English words for connections (the connection
// schema's labels, help, hints, sections and summaries, the presets, the warnings), which the
// server says in the page's language (issue #17). Other server texts (the actions' schemas) are
// the server's and left out.

import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { connectionsOfEveryProvider, walkConnectionDialogs } from './i18n-connection-walk.js';
import { englishServerWords } from './i18n-server-words.js';
import { collectTexts, englishFinder, loadCatalogues, settle, stringsOf, type Catalogue } from './i18n-support.js';
import { launchBrowser, startDemo, withPage } from './support.js';

const LOCALES: Record<string, string> = { fr: 'fr-FR', de: 'de-DE', nl: 'nl-NL', pt: 'pt-PT', ru: 'ru-RU' };

describe('admin page in five languages: no English on any screen (browser)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let en: Catalogue;

  const call = async (method: string, path: string, body?: unknown, lang = 'en') => {
    const res = await fetch(new URL(`api/v1${path}`, demo.url), {
      method,
      headers: { authorization: `Bearer ${demo.adminKey}`, 'content-type': 'application/json', 'accept-language': lang },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).to.be.below(300);
    return res.json() as Promise<unknown>;
  };

  before(async function () {
    browser = await launchBrowser(this);
    demo = await startDemo();
    en = (await loadCatalogues()).en!;
    // Something on every screen: a delivery (captured by the demo's sandbox), a DKIM key, a
    // suppressed address.
    await call('POST', '/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'ada@example.test', subject: 'Rapport 42', text: 'Bonjour Ada' } });
    await call('POST', '/scopes/platform/dkim-keys', { domain: 'shop.test', algorithm: 'ed25519' });
    await call('POST', '/scopes/platform/suppressions', { email: 'old@customer.test' });
    for (const c of connectionsOfEveryProvider()) await call('POST', '/scopes/platform/connections', c);
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const SERVER_WORDS = ['/manifest', '/presets', '/scopes/platform/connections'];
  /** The server's own words in `lang`: schema titles, presets, warnings, action titles. */
  async function serverStrings(lang: string): Promise<Set<string>> {
    const all = new Set<string>();
    for (const path of SERVER_WORDS) stringsOf(await call('GET', path, undefined, lang), all);
    return all;
  }
  /** The server's English words for connections that `lang` translates: none may show. */
  async function serverEnglish(lang: string): Promise<string[]> {
    const [manifest, presets, connections] = await Promise.all(SERVER_WORDS.map((path) => call('GET', path)));
    return englishServerWords(lang, { manifest, presets, connections } as Parameters<typeof englishServerWords>[1]);
  }

  for (const [lang, locale] of Object.entries(LOCALES)) {
    it(`${lang}: every screen in ${locale} is in ${lang}, <html lang> says so, and the API is asked in ${lang}`, async () => {
      const isEnglish = englishFinder(en, lang, await serverStrings(lang), await serverEnglish(lang));
      const found: string[] = [];
      const apiLanguages = new Set<string>();
      await withPage(
        browser,
        demo.url,
        async ({ page }) => {
          page.on('request', (r) => {
            if (r.url().includes('/api/v1/')) apiLanguages.add(r.headers()['accept-language'] ?? '(none)');
          });
          const look = async (screen: string) => {
            await settle(page);
            for (const shown of await collectTexts(page)) if (isEnglish(shown)) found.push(`${screen}: ${JSON.stringify(shown.text)}`);
          };
          await walk(page, look);
          expect(await page.evaluate(() => document.documentElement.lang)).to.equal(lang);
        },
        { locale },
      );
      // The first ones in the message too: a long list's diff is not printed.
      expect(found, `English shown in ${lang}:\n${found.slice(0, 30).join('\n')}\n`).to.deep.equal([]);
      expect([...apiLanguages]).to.deep.equal([lang]);
    });
  }

  /** Opens every screen of the page and `look`s at each. */
  async function walk(page: Page, look: (screen: string) => Promise<void>): Promise<void> {
    await page.goto(demo.url);
    await page.locator('#signin-form').waitFor();
    await look('sign-in');
    await page.locator('#signin-form button[type=submit]').click();
    await page.locator('#api-key-err:not([hidden])').waitFor();
    await look('sign-in without a key');
    await page.locator('#api-key').fill(demo.adminKey);
    await page.locator('#signin-form button[type=submit]').click();
    await page.getByRole('tablist').waitFor();

    const tabs = page.getByRole('tab');
    const count = await tabs.count();
    expect(count).to.equal(9);
    for (let i = 0; i < count; i++) {
      const tab = tabs.nth(i);
      const id = (await tab.getAttribute('id'))!.replace(/^tab-/, '');
      await tab.click();
      await look(`tab ${id}`);
      if (id === 'connections') {
        await walkConnectionDialogs(page, look);
        await page.locator('dialog[open]').waitFor({ state: 'detached' });
        await page.locator('tr[data-connection-id] .row-actions button').nth(2).click();
        await page.locator('dialog[open] input[type=email]').waitFor();
        await look('test-mail dialog');
        await page.keyboard.press('Escape');
      }
      if (id === 'deliveries') {
        await page.locator('tr[data-delivery-id] th button').first().click();
        await page.locator('dialog[open] .delivery-detail dl').waitFor();
        await look('delivery detail');
        await page.keyboard.press('Escape');
      }
      if (id === 'templates') {
        await page.locator('.template-preview .preview-subject').waitFor();
        await look('templates with the preview');
        await page.locator('.template-form button[type=submit]').click();
        await page.locator('.template-form button:not([hidden]):not([type=submit])').waitFor();
        await look('a saved template');
        await page.locator('.template-form button:not([type=submit])').click();
        await page.locator('dialog[open] .btn.danger').click();
        await page.locator('.template-form button:not([type=submit])').waitFor({ state: 'hidden' });
        await look('back to the built-in template');
      }
      if (id === 'webhooks') {
        await page.locator('#panel-webhooks .toolbar .btn.primary').click();
        await page.locator('dialog[open] input[type=url]').waitFor();
        await look('new webhook endpoint dialog');
        await page.keyboard.press('Escape');
      }
      if (id === 'keys') {
        await page.locator('#panel-keys form button[type=submit]').click();
        await page.locator('dialog[open] .copyable').waitFor();
        await look('a new API key, shown once');
        await page.keyboard.press('Escape');
        await page.locator('dialog[open]').waitFor({ state: 'detached' });
        await page.locator('#panel-keys tr[data-key-id] .btn.danger').first().click();
        await page.locator('dialog[open] .btn.danger').waitFor();
        await look('revoke an API key');
        await page.keyboard.press('Escape');
      }
      await page.locator('dialog[open]').waitFor({ state: 'detached' });
    }
  }
});
