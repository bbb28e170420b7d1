import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { TestEnvoi } from '../support/harness.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { launchBrowser, screenshot, withSignedInPage } from './support.js';

describe('admin page: webhooks (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let receiver: WebhookReceiver;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    receiver = await new WebhookReceiver().start();
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await envoi?.stop();
  });

  it('create (secret shown once with a copy button), test with its verified message and answer, edit events, rotate, delete', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Webhooks' }).click();
      await page.getByText('No endpoints yet').waitFor();
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const create = page.getByRole('dialog', { name: 'New webhook endpoint' });
      await create.getByLabel('URL *').fill('http://10.0.0.1:notaport/x');
      await create.getByRole('button', { name: 'Create endpoint' }).click();
      // The refusal in words for people; its code sits in the collapsed technical details.
      await create.getByText('Some values are not valid').waitFor();
      expect(await create.getByText('VALIDATION_FAILED').isVisible()).to.equal(false);
      await create.getByLabel('URL *').fill(receiver.url());
      await create.getByLabel('Description').fill('CRM');
      await create.getByRole('button', { name: 'Create endpoint' }).click();

      const shown = page.getByRole('dialog', { name: 'Endpoint created' });
      const secret = await shown.getByLabel('Signing secret').inputValue();
      expect(secret).to.match(/^whsec_/);
      await shown.getByRole('button', { name: 'Copy' }).click();
      await shown.getByText(/Copied\.|Ctrl\+C/).waitFor();
      await screenshot(page, 'webhooks-secret');
      await shown.getByRole('button', { name: 'Done' }).click();
      await page.locator('dialog').waitFor({ state: 'detached' });
      receiver.secret = secret;

      const row = page.locator('tr[data-endpoint-id]');
      await row.getByText('All events').waitFor();
      expect(await row.textContent()).to.contain(receiver.url()).and.contain('CRM').and.contain('enabled');
      const where = await page.evaluate((k) => [...document.querySelectorAll('*')].filter((e) => e.children.length === 0 && ((e.textContent ?? '').includes(k) || ((e as HTMLInputElement).value ?? '').includes(k))).map((e) => e.outerHTML.slice(0, 200)), secret.slice(6));
      expect(where, 'the secret is gone once its dialog closed').to.deep.equal([]);
      expect(await page.content()).not.to.contain(secret.slice(6));

      await row.getByRole('button', { name: /^Send test/ }).click();
      const msg = page.locator('tr[data-message-id]');
      await msg.first().waitFor();
      for (let i = 0; i < 50 && !((await msg.first().textContent()) ?? '').includes('delivered'); i++) {
        await page.waitForTimeout(200);
        await page.getByRole('button', { name: 'Refresh' }).click();
      }
      expect(await msg.first().textContent()).to.contain('webhook.test').and.contain('delivered').and.contain('200');
      await msg.first().locator('summary').click();
      await msg.first().getByText(/answer 200 to msg_/).waitFor();
      expect(receiver.received).to.have.length(1);
      expect(receiver.received[0]!.error).to.equal(undefined);
      await screenshot(page, 'webhooks');

      await row.getByRole('button', { name: /^Edit/ }).click();
      const edit = page.getByRole('dialog', { name: 'Edit webhook endpoint' });
      await edit.getByLabel('All events').uncheck();
      await edit.getByLabel(/Email bounced/).check();
      await edit.getByLabel(/Email failed/).check();
      await edit.getByRole('button', { name: 'Save' }).click();
      await row.getByText('delivery.failed, delivery.bounced').waitFor();
      const stored = (await envoi.api('GET', '/api/v1/scopes/platform/webhooks')).body.items[0];
      expect(stored.events).to.deep.equal(['delivery.failed', 'delivery.bounced']);

      await row.getByRole('button', { name: /^Rotate secret/ }).click();
      await page.getByRole('dialog', { name: 'Rotate the secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = page.getByRole('dialog', { name: 'New signing secret' });
      const next = await rotated.getByLabel('Signing secret').inputValue();
      expect(next).to.match(/^whsec_/).and.not.equal(secret);
      await rotated.getByRole('button', { name: 'Done' }).click();

      await row.getByRole('button', { name: /^Delete/ }).click();
      await page.getByRole('dialog', { name: 'Delete this endpoint?' }).getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No endpoints yet').waitFor();
      expect((await envoi.api('GET', '/api/v1/scopes/platform/webhooks')).body.items).to.deep.equal([]);
    });
  });

  it('works at 375 px: nothing of the tab reaches past the screen (wide tables scroll inside their frame); the keyboard reaches its actions', async () => {
    await envoi.api('POST', '/api/v1/scopes/platform/webhooks', { url: `${receiver.url()}/${'long-path-segment/'.repeat(8)}` });
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.getByRole('tab', { name: 'Webhooks' }).click();
      await page.locator('tr[data-endpoint-id]').last().waitFor();
      const outside = await page.evaluate(() =>
        [...document.querySelectorAll('#panel-webhooks *')]
          .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)
          .map((e) => `${e.tagName}.${e.className}`),
      );
      expect(outside).to.deep.equal([]);
      const test = page.locator('tr[data-endpoint-id]').last().getByRole('button', { name: /^Send test/ });
      await test.focus();
      await page.keyboard.press('Enter');
      await page.locator('tr[data-message-id]').first().waitFor();
    });
  });
});
