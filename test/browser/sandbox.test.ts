import { expect } from 'chai';
import { smtpConnection } from '../support/harness.js';
import { screenshot, withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

describe('admin page: sandbox settings and the mailbox of a scope (browser)', function () {
  this.timeout(60_000);

  const s = browserSuite({
    envoi: { overrides: { pollMs: 50 } },
    sink: true,
    setUp: async () => {
      const c = await s.envoi.api('POST', '/api/v1/scopes/platform/connections', { ...smtpConnection(s.sink, { name: 'Relay', authMethod: 'NONE' }), isDefault: true });
      expect(c.status).to.equal(201);
    },
  });

  it('an admin turns the sandbox on with an allowed address; captured mail is listed and read there; an all-captured delivery shows as captured', async () => {
    await withSignedInPage(s.browser, s.envoi.url, s.envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Mailbox' }).click();
      await page.getByText('No mail captured yet', { exact: false }).waitFor();
      await page.getByLabel('Sandbox: capture the mail of this scope instead of sending it').check();
      await page.getByLabel('Allowed recipients (one a line)').fill('Kept@Example.com\n@team.test');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('#banner').getByText('The sandbox of platform is on.').waitFor();
      const saved = await s.envoi.api('GET', '/api/v1/scopes/platform/settings');
      expect(saved.body.sandbox).to.deep.equal({ enabled: true, allow: ['kept@example.com', '@team.test'] });

      const r = await s.envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: ['kept@example.com', 'customer@client.test'], subject: 'Staging mail', html: '<h1>Hello staging</h1>' } });
      expect(r.body.status).to.equal('sent');
      expect((await s.sink.waitFor(1))[0]!.envelope.to).to.deep.equal(['kept@example.com']);
      const all = await s.envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'other@client.test', subject: 'Nobody allowed', text: 'x' } });
      expect(all.body.status).to.equal('captured');

      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('button', { name: /Nobody allowed/ }).waitFor();
      await page.getByRole('button', { name: /Staging mail/ }).click();
      const pane = page.locator('.mail-pane');
      await pane.getByRole('heading', { name: 'Staging mail' }).waitFor();
      expect(await pane.textContent()).to.contain('Captured for').and.contain('customer@client.test');
      await page.frameLocator('.mail-pane iframe.mail-frame').getByRole('heading', { name: 'Hello staging' }).waitFor();
      await screenshot(page, 'sandbox-mailbox');

      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const row = page.locator(`tr[data-delivery-id="${all.body.deliveryId}"]`);
      await row.waitFor();
      expect(await row.locator('.badge').first().textContent()).to.equal('captured');
    });
  });
});
