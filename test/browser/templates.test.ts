// The Templates tab against the real server: save a French invitation template, see the server's
// preview of it with sample data, and return to the built-in one; the preview follows typing
// before anything is saved.

import { expect } from 'chai';
import { smtpConnection } from '../support/harness.js';
import { withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

describe('admin page: system-mail templates (browser)', function () {
  this.timeout(60_000);

  const s = browserSuite({
    sink: true,
    setUp: async () => {
      await s.envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(s.sink, { name: 'Relay', authMethod: 'NONE', isDefault: true }));
    },
  });

  it('saves a French invitation template (text derived from the html), previews it, and returns to the built-in', async () => {
    const builtin = (await s.envoi.api('GET', '/api/v1/scopes/platform/templates/send-invitation/fr')).body;
    expect(builtin.source).to.equal('builtin');
    await withSignedInPage(s.browser, s.envoi.url, s.envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Templates' }).click();
      const panel = page.getByRole('tabpanel', { name: 'Templates' });
      await panel.getByLabel('Mail', { exact: true }).selectOption('send-invitation');
      await panel.getByLabel('Language of the mail').selectOption('fr');
      const subject = panel.getByLabel('Subject', { exact: true });
      await page.waitForFunction((s) => (document.querySelector('.template-form input') as HTMLInputElement | null)?.value === s, builtin.subject);
      expect(await page.locator('.template-source').textContent()).to.equal('Built-in template');

      await subject.fill('{{inviterName}} vous invite sur {{appName}}');
      await panel.getByLabel('HTML').fill('<p>Bonjour, rejoignez <b>{{appName}}</b> : <a href="{{link}}">accepter</a></p>');
      await panel.getByLabel('Text', { exact: true }).fill('');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('.template-source', { hasText: 'This scope’s own template' }).waitFor();
      // The server derived the text part from the html.
      expect(await panel.getByLabel('Text', { exact: true }).inputValue()).to.contain('Bonjour, rejoignez');

      const preview = page.getByRole('region', { name: 'Preview' });
      await preview.locator('.preview-subject', { hasText: 'Grace Hopper vous invite sur Acme CRM' }).waitFor();
      const frame = page.frameLocator('.template-preview iframe');
      expect(await frame.locator('b').textContent()).to.equal('Acme CRM');
      expect(await frame.locator('a').getAttribute('href')).to.equal('https://app.example.com/accept/7f3a');
      expect(await preview.locator('.preview-text').textContent()).to.contain('Bonjour, rejoignez Acme CRM');
      const stored = (await s.envoi.api('GET', '/api/v1/scopes/platform/templates/send-invitation/fr')).body;
      expect(stored).to.include({ source: 'scope', subject: '{{inviterName}} vous invite sur {{appName}}' });

      await page.getByRole('button', { name: 'Return to the built-in' }).click();
      await page.getByRole('dialog', { name: 'Return to the built-in template?' }).getByRole('button', { name: 'Return to the built-in' }).click();
      await page.locator('.template-source', { hasText: 'Built-in template' }).waitFor();
      await page.waitForFunction(() => !document.querySelector('.preview-subject')?.textContent?.includes('vous invite sur'));
      expect(await subject.inputValue()).to.equal(builtin.subject);
      expect(await page.getByRole('button', { name: 'Return to the built-in' }).isVisible()).to.equal(false);
      expect((await s.envoi.api('GET', '/api/v1/scopes/platform/templates/send-invitation/fr')).body.source).to.equal('builtin');
    });
  });

  it('the preview follows typing in the French invitation (debounced), shows an error beside the editor and keeps the last good preview, saving nothing', async () => {
    const T = '/api/v1/scopes/platform/templates/send-invitation/fr';
    const builtin = (await s.envoi.api('GET', T)).body;
    await withSignedInPage(s.browser, s.envoi.url, s.envoi.adminKey, async ({ page }) => {
      const previews: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/templates/send-invitation/fr/preview')) previews.push(r.postData() ?? '');
      });
      await page.getByRole('tab', { name: 'Templates' }).click();
      const panel = page.getByRole('tabpanel', { name: 'Templates' });
      await panel.getByLabel('Mail', { exact: true }).selectOption('send-invitation');
      await panel.getByLabel('Language of the mail').selectOption('fr');
      await page.waitForFunction((s) => (document.querySelector('.template-form input') as HTMLInputElement | null)?.value === s, builtin.subject);
      const preview = page.getByRole('region', { name: 'Preview' });
      await preview.locator('.preview-subject').waitFor();

      // Typed key by key, quicker than the pause: one preview (or two) for the whole word, not one per key.
      const subject = panel.getByLabel('Subject', { exact: true });
      await subject.fill('');
      await subject.pressSequentially('Invitation de {{inviterName}}', { delay: 25 });
      await preview.locator('.preview-subject', { hasText: 'Invitation de Grace Hopper' }).waitFor();
      expect(previews.length, 'debounced').to.be.within(1, 3);
      expect(await preview.textContent()).to.contain('Your unsaved changes');

      const html = panel.getByLabel('HTML');
      await html.fill('<p>Salut, <i>{{inviterName}}</i> vous attend sur {{appName}}</p>');
      const frame = page.frameLocator('.template-preview iframe');
      await frame.locator('i', { hasText: 'Grace Hopper' }).waitFor();
      expect(await frame.locator('p').textContent()).to.equal('Salut, Grace Hopper vous attend sur Acme CRM');

      // A block left open while typing: said in plain words beside the editor; the preview stays.
      await html.fill('<p>Salut, <i>{{inviterName}}</i> {{#if link}}vous attend');
      const error = panel.locator('.template-draft-error');
      await error.locator('strong', { hasText: /The template has an error on line 1, column \d+/ }).waitFor();
      expect(await error.textContent()).to.contain('TEMPLATE_ERROR').and.to.contain('a {{/if}}');
      expect(await frame.locator('i').textContent(), 'the last good preview stays').to.equal('Grace Hopper');
      await html.fill('<p>Salut, <i>{{inviterName}}</i> {{#if link}}vous attend{{/if}} !</p>');
      await frame.locator('p', { hasText: 'vous attend !' }).waitFor();
      expect(await error.textContent(), 'the error goes once fixed').to.equal('');

      const last = JSON.parse(previews.at(-1)!);
      expect(last.template).to.include({ subject: 'Invitation de {{inviterName}}' });
      expect((await s.envoi.api('GET', T)).body, 'nothing saved').to.include({ source: 'builtin', subject: builtin.subject });
    });
  });
});
