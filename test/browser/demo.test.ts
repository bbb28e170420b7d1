import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, startDemo, withSignedInPage } from './support.js';

describe('admin page: demo mode, Try an action and Mailbox (browser)', function () {
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

  it('validates, previews and sends a mail from "Try an action", then shows it in the Mailbox with its HTML rendered', async () => {
    await withSignedInPage(browser, demo.url, demo.adminKey, async (p) => {
      const { page } = p;
      expect(await page.getByRole('tab').allTextContents()).to.deep.equal(['Connections', 'Deliveries', 'Suppressions', 'DKIM', 'Try an action', 'Templates', 'Webhooks', 'Mailbox', 'API keys']);
      await page.getByRole('row', { name: /Local capture/ }).getByText('Default').waitFor();

      await page.getByRole('tab', { name: 'Try an action' }).click();
      const form = page.locator('form.action-form');
      await form.getByRole('textbox', { name: /^To/ }).waitFor();
      expect(await form.getByLabel('Action').inputValue()).to.equal('send-email');

      // Validate an empty form: errors at the fields, linked and announced.
      await form.getByRole('button', { name: 'Validate' }).click();
      const to = form.getByRole('textbox', { name: /^To/ });
      await page.waitForFunction(() => document.querySelector('[aria-invalid=true]') !== null);
      expect(await to.getAttribute('aria-invalid')).to.equal('true');
      const errId = (await to.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-err'))!;
      expect(await page.locator(`#${errId}`).textContent()).to.match(/required|must/);
      expect(await page.locator('[role=status][aria-live=polite]').allTextContents()).to.satisfy((texts: string[]) => texts.some((t) => /problem/.test(t)));

      await to.fill('Ada Lovelace <ada@example.test>');
      await form.getByRole('textbox', { name: /^Subject/ }).fill('Welcome, {{name}}');
      await form.getByRole('textbox', { name: 'HTML body' }).fill('<h1 style="color:#2456c8">Hello {{name}}</h1><p>Your account for <b>{{app}}</b> is ready.</p><script>document.title="pwned"</script>');
      await form.getByRole('textbox', { name: /^Template data/ }).fill('{"name": "Ada", "app": "Acme CRM"}');
      await form.getByRole('button', { name: 'Validate' }).click();
      await page.getByText('✓ The input is valid.').waitFor();
      expect(await to.getAttribute('aria-invalid')).to.equal(null);

      await form.getByRole('button', { name: 'Preview' }).click();
      const subject = page.locator('.preview-subject');
      await subject.waitFor();
      expect(await subject.textContent()).to.equal('Welcome, Ada');
      const output = page.locator('.output');
      expect(await output.textContent()).to.contain('Local capture (smtp)').and.match(/MIME size\d/);
      const frame = output.locator('iframe.mail-frame');
      expect(await frame.getAttribute('sandbox')).to.equal('');
      await page.frameLocator('.output iframe.mail-frame').getByRole('heading', { name: 'Hello Ada' }).waitFor();
      expect(await page.frameLocator('.output iframe.mail-frame').locator('body').textContent()).to.contain('Acme CRM');
      await screenshot(page, 'try-an-action-preview');

      await form.getByRole('button', { name: 'Send' }).click();
      const result = output.locator('.result');
      await result.waitFor();
      const sent = (await result.textContent()) ?? '';
      // Demo mode is a sandbox: the mail is captured, not sent.
      expect(sent).to.contain('✓ Captured');
      const deliveryId = await output.locator('code.delivery-id').textContent();
      expect(deliveryId).to.match(/^[0-9a-f-]{36}$/);

      await page.getByRole('tab', { name: 'Mailbox' }).click();
      const item = page.getByRole('button', { name: /Welcome, Ada/ });
      await item.waitFor();
      await item.click();
      const pane = page.locator('.mail-pane');
      await pane.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
      expect(await pane.textContent()).to.contain('ada@example.test').and.contain('demo@envoi.localhost');
      const mailFrame = page.frameLocator('.mail-pane iframe.mail-frame');
      await mailFrame.getByRole('heading', { name: 'Hello Ada' }).waitFor();
      // Mail HTML is inert in the page: the frame runs no script.
      expect(await page.title()).to.equal('Envoi admin');
      await pane.getByText(/^Headers/).click();
      expect(await pane.locator('table.headers').textContent()).to.contain('message-id');
      await pane.getByText(/^Headers/).click();
      await screenshot(page, 'mailbox');

      // The delivery log has it as sent.
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
      await row.waitFor();
      expect(await row.locator('.badge').first().textContent()).to.equal('captured');
      // The <script> in the mail was refused by the sandbox (preview and mailbox), not run.
      const blocked = p.errors.filter((e) => /Blocked script execution in 'about:srcdoc'.*sandboxed/.test(e));
      expect(blocked.length).to.be.at.least(2);
      p.errors.splice(0, p.errors.length, ...p.errors.filter((e) => !blocked.includes(e)));
    });
  });

  it('create-ics offers the file as a download', async () => {
    await withSignedInPage(browser, demo.url, demo.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Try an action' }).click();
      const form = page.locator('form.action-form');
      await form.getByRole('textbox', { name: /^To/ }).waitFor();
      await form.getByLabel('Action').selectOption('create-ics');
      await form.getByRole('textbox', { name: /^Title/ }).fill('Kick-off');
      await form.getByRole('textbox', { name: /^Start/ }).fill('2026-12-01T09:00:00Z');
      await form.getByRole('button', { name: 'Preview' }).click();
      await page.locator('.output pre').getByText(/SUMMARY:Kick-off/).waitFor();
      await form.getByRole('button', { name: 'Create file' }).click();
      const link = page.getByRole('link', { name: /^Download .*\.ics$/ });
      await link.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).to.match(/\.ics$/);
    });
  });
});
