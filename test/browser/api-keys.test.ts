// The API keys tab against the real server: a platform admin creates a key (shown once, with a
// Copy button that puts it on the clipboard), the key works, and revoking it from the page makes
// the API refuse it. Tenant admins have no such tab.

import { expect } from 'chai';
import { screenshot, withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

describe('admin page: API keys (browser)', function () {
  this.timeout(60_000);

  const s = browserSuite();

  const whoami = (key: string) => s.envoi.api('GET', '/api/v1/whoami', undefined, { key });

  it('creates a key shown once with a Copy button, then revokes it', async () => {
    // A stored platform admin key (the bootstrap key of the configuration is not in the list).
    const admin = await s.envoi.key('admin', 'platform');
    await withSignedInPage(s.browser, s.envoi.url, admin, async ({ page }) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.envoi.url });
      await page.getByRole('tab', { name: 'API keys' }).click();
      const panel = page.getByRole('tabpanel', { name: 'API keys' });
      // The key the page is signed in with: listed, not revocable from here.
      await panel.locator('tr[data-key-id]').first().waitFor();
      expect(await panel.locator('tr[data-key-id]', { hasText: 'the key you are signed in with' }).count()).to.equal(1);

      await panel.getByLabel('Role').selectOption('runtime');
      await panel.getByLabel('Scope').fill('acme');
      await panel.getByLabel('Label').fill('Acme worker');
      await panel.getByRole('button', { name: 'Create key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Your new API key' });
      await dialog.waitFor();
      expect(await dialog.textContent()).to.contain('A runtime key for acme:').and.contain('shown this once');
      const key = (await dialog.locator('code.record').textContent())!;
      expect((await whoami(key)).body).to.include({ role: 'runtime', scope: 'acme', label: 'Acme worker' });
      await dialog.getByRole('button', { name: 'Copy the new key' }).click();
      await page.locator('#banner', { hasText: 'the new key copied.' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(key);
      await screenshot(page, 'api-key-created');
      await dialog.getByRole('button', { name: 'Done' }).click();

      const row = panel.locator('tr[data-key-id]', { hasText: 'Acme worker' });
      await row.waitFor();
      expect(await row.textContent()).to.contain(key.slice(0, 8)).and.contain('runtime').and.contain('acme').and.not.contain(key);
      await row.getByRole('button', { name: /^Revoke the key/ }).click();
      await page.getByRole('dialog', { name: 'Revoke this key?' }).getByRole('button', { name: 'Revoke' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await whoami(key)).status).to.equal(401);
    });
  });

  it('a tenant admin has no API keys tab', async () => {
    const tenant = await s.envoi.key('admin', 'acme');
    await withSignedInPage(s.browser, s.envoi.url, tenant, async ({ page }) => {
      expect(await page.getByRole('tab', { name: 'API keys' }).count()).to.equal(0);
    });
  });
});
