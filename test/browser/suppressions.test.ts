import { expect } from 'chai';
import { smtpConnection } from '../support/harness.js';
import { screenshot, withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

describe('admin page: suppression list and recipient events (browser)', function () {
  this.timeout(60_000);

  const s = browserSuite({
    sink: true,
    setUp: async () => {
      const c = await s.envoi.api('POST', '/api/v1/scopes/platform/connections', { ...smtpConnection(s.sink, { name: 'Relay', authMethod: 'NONE' }), isDefault: true });
      expect(c.status).to.equal(201);
    },
  });

  const listed = async () => (await s.envoi.api('GET', '/api/v1/scopes/platform/suppressions')).body.items.map((s: { email: string }) => s.email) as string[];

  it('an admin adds an address, finds it by search, and removes it after confirming', async () => {
    await s.envoi.api('POST', '/api/v1/scopes/platform/suppressions', { email: 'old@customer.test' });
    await withSignedInPage(s.browser, s.envoi.url, s.envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Suppressions' }).click();
      await page.locator('tr[data-email="old@customer.test"]').waitFor();

      await page.getByLabel('Add an address').fill('not-an-address');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.locator('.field-error:not([hidden])').waitFor();
      expect(await page.getByLabel('Add an address').getAttribute('aria-invalid')).to.equal('true');

      await page.getByLabel('Add an address').fill('Gone@Customer.test');
      await page.keyboard.press('Enter');
      const added = page.locator('tr[data-email="gone@customer.test"]');
      await added.waitFor();
      expect(await added.textContent()).to.contain('manual');
      expect(await listed()).to.include('gone@customer.test');

      await page.getByRole('searchbox', { name: 'Address' }).fill('gone');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tr[data-email]').length === 1);
      await screenshot(page, 'suppressions');

      await added.getByRole('button', { name: 'Remove gone@customer.test' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove from the list' });
      await confirm.getByRole('button', { name: 'Remove' }).click();
      await added.waitFor({ state: 'detached' });
      await page.getByText('No address is on the list.').waitFor();
      expect(await listed()).to.deep.equal(['old@customer.test']);
    });
  });

  it('the delivery detail shows suppressed recipients and the recipients\' events; the log filters by event', async () => {
    await s.envoi.api('POST', '/api/v1/scopes/platform/suppressions', { email: 'blocked@customer.test' });
    const r = await s.envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: ['ada@customer.test', 'blocked@customer.test'], subject: 'Welcome Ada', text: 'hi' } });
    expect(r.body.status).to.equal('sent');
    const other = await s.envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { to: 'bob@customer.test', subject: 'Hello Bob', text: 'hi' } });
    await s.envoi.server.envoi.deliveryEvents.record({ deliveryId: r.body.deliveryId, recipient: 'ada@customer.test', type: 'bounced', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 unknown user' }, source: 'dsn' });
    // A runtime key reads both screens but edits neither.
    const runtime = await s.envoi.key('runtime', 'platform');
    await withSignedInPage(s.browser, s.envoi.url, runtime, async ({ page }) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      await page.locator(`tr[data-delivery-id="${other.body.deliveryId}"]`).waitFor();
      await page.getByLabel('Event').selectOption('bounced');
      await page.waitForFunction(() => document.querySelectorAll('tr[data-delivery-id]').length === 1);
      const row = page.locator(`tr[data-delivery-id="${r.body.deliveryId}"]`);
      await row.getByRole('button', { name: 'Welcome Ada' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delivery' });
      const events = dialog.getByRole('region', { name: 'Attempts and events' });
      await events.waitFor();
      expect(await events.locator('.suppressed-list').textContent()).to.equal('blocked@customer.test');
      const item = events.locator('li[data-event="bounced"]');
      expect(await item.textContent()).to.contain('bounced (hard)').and.contain('ada@customer.test').and.contain('via dsn').and.contain('5.1.1 · smtp; 550 5.1.1 unknown user');
      await screenshot(page, 'delivery-events');
      await page.keyboard.press('Escape');

      await page.getByRole('tab', { name: 'Suppressions' }).click();
      const bounced = page.locator('tr[data-email="ada@customer.test"]');
      await bounced.waitFor();
      expect(await bounced.textContent()).to.contain('hard-bounce').and.contain(r.body.deliveryId);
      expect(await page.getByLabel('Add an address').count()).to.equal(0);
      expect(await page.getByRole('button', { name: /^Remove/ }).count()).to.equal(0);
    });
  });
});
