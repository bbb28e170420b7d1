// The API's refusals in the page's language (issue #17): a French admin whose save or preview is
// refused reads what happened and what to do in French; the server's English message, hint and
// code wait in a collapsed "Détails techniques" a click away.

import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import { loadCatalogues, type Catalogue } from './i18n-support.js';
import { withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

describe('admin page: API refusals in French (browser)', function () {
  this.timeout(60_000);
  let fr: Catalogue;
  const say = (key: string, params: Record<string, string | number> = {}) => String(fr[key]).replace(/\{(\w+)\}/g, (_, n: string) => String(params[n]));

  const s = browserSuite({
    envoi: { overrides: { allowPrivateHosts: false } },
    setUp: async () => {
      // Production's policy: private addresses refused, so a connection to 10.0.0.5 is HOST_NOT_ALLOWED.
      fr = (await loadCatalogues()).fr!;
      await s.envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Relais', senderEmail: 'sender@envoi.test', host: 'smtp.example.test', port: 587, authMethod: 'NONE', isDefault: true });
    },
  });

  /** Asserts the box shows `title` and `hint` in sight, and `english` only inside the closed technical details (then opens them). */
  async function expectRefusal(box: Locator, title: string, hint: string, english: RegExp, code: string): Promise<void> {
    const seen = await box.innerText();
    expect(seen).to.contain(`✗ ${title}`).and.to.contain(hint);
    expect(seen, 'the English message is not in sight').not.to.match(english);
    expect(seen).not.to.contain(code);
    const technical = box.locator('details');
    expect(await technical.getAttribute('open'), 'collapsed').to.equal(null);
    expect(await technical.locator('summary').innerText()).to.equal('Détails techniques');
    const message = technical.locator('p', { hasText: english });
    expect(await message.isVisible()).to.equal(false);
    await technical.locator('summary').click();
    await message.waitFor();
    expect(await technical.locator('code').first().innerText()).to.equal(code);
  }

  it('a refused host and a template with a syntax error are explained in French, the server’s words under Détails techniques', async () => {
    await withSignedInPage(
      s.browser,
      s.envoi.url,
      s.envoi.adminKey,
      async ({ page }) => {
        // 1. Saving a connection to a private address: HOST_NOT_ALLOWED.
        await page.getByRole('button', { name: say('connections.editLabel', { name: 'Relais' }) }).click();
        const dialog = page.locator('dialog[open]');
        const host = dialog.getByRole('textbox', { name: 'Hôte SMTP' });
        await host.fill('10.0.0.5');
        await dialog.getByRole('button', { name: say('form.saveChanges') }).click();
        const box = dialog.locator('.result-area .result.fail');
        await box.waitFor();
        await expectRefusal(box, 'Cette adresse de serveur n’est pas autorisée', say('errors.HOST_NOT_ALLOWED.hint'), /loopback, private or link-local/, 'HOST_NOT_ALLOWED');
        // The field keeps its mark, in French; the English reason is with the technical details.
        expect(await host.getAttribute('aria-invalid')).to.equal('true');
        const errId = (await host.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-err'))!;
        expect(await page.locator(`#${errId}`).innerText()).to.equal(say('errors.field'));
        expect(await box.locator('details').innerText()).to.contain('/host').and.to.contain('resolves to a non-public address');
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });

        // 2. A template whose {{#if}} is never closed: TEMPLATE_ERROR at its line and column.
        await page.getByRole('tab', { name: say('templates.tab') }).click();
        const panel = page.getByRole('tabpanel', { name: say('templates.tab') });
        await panel.getByLabel('HTML').fill('<p>Bonjour {{#if link}}à bientôt</p>');
        const draft = panel.locator('.template-draft-error .result.fail');
        await draft.waitFor();
        const title = await draft.locator('.result-title').innerText();
        expect(title).to.match(/^✗ Le modèle contient une erreur à la ligne 1, colonne \d+$/);
        await expectRefusal(draft, title.slice(2), say('errors.TEMPLATE_ERROR.hint'), /template has an error/, 'TEMPLATE_ERROR');
      },
      { locale: 'fr-FR' },
    );
  });
});
