// The Connections tab: a never-tested connection shows "Untested" (not "OK") until a test passes,
// and a tenant without a default of its own is told its mail goes through the platform's default.

import { expect } from 'chai';
import { smtpConnection } from '../support/harness.js';
import { withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

describe('admin page: untested health and the inherited default (browser)', function () {
  this.timeout(60_000);

  const s = browserSuite({
    sink: true,
    setUp: async () => {
      const c = await s.envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(s.sink, { name: 'Platform relay', authMethod: 'NONE', isDefault: true }));
      expect(c.status).to.equal(201);
    },
  });

  it('shows a new connection as Untested, and OK after its test passes', async () => {
    await withSignedInPage(s.browser, s.envoi.url, s.envoi.adminKey, async ({ page }) => {
      const row = page.getByRole('row', { name: /Platform relay/ });
      await row.waitFor();
      expect(await row.locator('.badge', { hasText: 'Untested' }).count()).to.equal(1);
      expect(await page.locator('.inherited-default').isVisible()).to.equal(false);
      await row.getByRole('button', { name: 'Test Platform relay' }).click();
      await page.locator('.notice-area .result.ok').waitFor();
      await row.locator('.badge', { hasText: 'OK' }).waitFor();
    });
  });

  it('tells a tenant admin without a default that mail goes through the platform default, until it has its own', async () => {
    const tenant = await s.envoi.key('admin', 'acme');
    await withSignedInPage(s.browser, s.envoi.url, tenant, async ({ page }) => {
      const note = page.locator('.inherited-default');
      await note.waitFor();
      expect(await note.textContent()).to.equal("Mail goes through the platform's default: Platform relay");
    });
    await s.envoi.api('POST', '/api/v1/scopes/acme/connections', smtpConnection(s.sink, { name: 'Acme relay', authMethod: 'NONE', isDefault: true }));
    await withSignedInPage(s.browser, s.envoi.url, tenant, async ({ page }) => {
      await page.getByRole('row', { name: /Acme relay/ }).waitFor();
      expect(await page.locator('.inherited-default').isVisible()).to.equal(false);
    });
  });
});
