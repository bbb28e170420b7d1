// The Templates tab against the real server: save a French invitation template, see the server's
// preview of it with sample data, and return to the built-in one.

import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, withSignedInPage } from './support.js';

describe('admin page: system-mail templates (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let sink: SmtpSink;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    sink = await new SmtpSink({ tls: 'none' }).start();
    await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { name: 'Relay', authMethod: 'NONE', isDefault: true }));
  });

  after(async () => {
    await browser?.close();
    await sink?.close();
    await envoi?.stop();
  });

  it('saves a French invitation template (text derived from the html), previews it, and returns to the built-in', async () => {
    const builtin = (await envoi.api('GET', '/api/v1/scopes/platform/templates/send-invitation/fr')).body;
    expect(builtin.source).to.equal('builtin');
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
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
      const stored = (await envoi.api('GET', '/api/v1/scopes/platform/templates/send-invitation/fr')).body;
      expect(stored).to.include({ source: 'scope', subject: '{{inviterName}} vous invite sur {{appName}}' });

      await page.getByRole('button', { name: 'Return to the built-in' }).click();
      await page.getByRole('dialog', { name: 'Return to the built-in template?' }).getByRole('button', { name: 'Return to the built-in' }).click();
      await page.locator('.template-source', { hasText: 'Built-in template' }).waitFor();
      await page.waitForFunction(() => !document.querySelector('.preview-subject')?.textContent?.includes('vous invite sur'));
      expect(await subject.inputValue()).to.equal(builtin.subject);
      expect(await page.getByRole('button', { name: 'Return to the built-in' }).isVisible()).to.equal(false);
      expect((await envoi.api('GET', '/api/v1/scopes/platform/templates/send-invitation/fr')).body.source).to.equal('builtin');
    });
  });
});
