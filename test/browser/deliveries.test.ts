import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, screenshot, withSignedInPage } from './support.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

describe('admin page: deliveries (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let sink: SmtpSink;
  let reject = true;
  let connectionId: string;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    sink = await new SmtpSink({
      tls: 'none',
      server: {
        onRcptTo(address, _session, cb) {
          if (reject) return cb(smtpError(`5.1.1 <${address.address}>: Recipient address rejected: User unknown in virtual mailbox table`, 550));
          cb();
        },
      },
    }).start();
    const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { name: 'Customer relay', authMethod: 'NONE' }));
    expect(c.status).to.equal(201);
    connectionId = c.body.id;
  });

  after(async () => {
    await browser?.close();
    await sink?.close();
    await envoi?.stop();
  });

  const execute = (input: Record<string, unknown>, wait = 10) =>
    envoi.api('POST', `/api/v1/scopes/platform/actions/send-email/execute${wait ? `?wait=${wait}` : ''}`, { input: { connection: connectionId, ...input } });

  it('shows a failed delivery with the server reply, and retries it from the page until it is sent', async () => {
    const r = await execute({ to: 'Ada <ada@customer.test>', subject: 'Invoice 42', text: 'Your invoice is attached.' });
    expect(r.body.status).to.equal('failed');
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const row = page.locator(`tr[data-delivery-id="${r.body.deliveryId}"]`);
      await row.waitFor();
      expect(await row.locator('.badge').first().textContent()).to.equal('failed');
      const rowText = (await row.textContent()) ?? '';
      expect(rowText).to.contain('Invoice 42').and.contain('ada@customer.test').and.contain('Customer relay').and.contain('1 / 8');
      expect(rowText).to.contain('550 5.1.1 <ada@customer.test>: Recipient address rejected: User unknown');

      await row.getByRole('button', { name: 'Invoice 42' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delivery' });
      await dialog.getByRole('heading', { name: 'Invoice 42' }).waitFor();
      const detail = (await dialog.textContent()) ?? '';
      expect(detail).to.contain('RECIPIENT_REJECTED');
      expect(detail).to.contain('User unknown in virtual mailbox table');
      const attempts = dialog.locator('li[data-attempt]');
      expect(await attempts.count()).to.equal(1);
      expect(await attempts.first().textContent()).to.contain('failed').and.contain('550 5.1.1');
      await screenshot(page, 'deliveries-detail');

      reject = false;
      await dialog.getByRole('button', { name: 'Retry' }).click();
      await dialog.locator('dd .badge', { hasText: 'sent' }).waitFor({ timeout: 20_000 });
      expect(await dialog.getByRole('button', { name: 'Retry' }).count()).to.equal(0);
      expect(await dialog.locator('li[data-attempt]').count()).to.equal(2);
      expect(await dialog.locator('[role=status]').first().textContent()).to.equal('The delivery is sent.');
      await sink.waitFor(1);
      expect(sink.received[0]!.parsed.subject).to.equal('Invoice 42');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // The list row followed.
      expect(await row.locator('.badge').first().textContent()).to.equal('sent');
    });
  });

  it('filters by status and pages with "Load more"', async () => {
    reject = false;
    const already = sink.received.length;
    for (let i = 0; i < 26; i++) {
      const r = await execute({ to: `user${i}@customer.test`, subject: `Batch ${i}`, text: 'hello' }, 0);
      expect(r.status).to.equal(202);
    }
    await sink.waitFor(already + 26, 20_000);
    reject = true;
    const bad = await execute({ to: 'gone@customer.test', subject: 'Bounced', text: 'x' });
    expect(bad.body.status).to.equal('failed');
    reject = false;
    const total = (await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=500')).body.items.length as number;
    expect(total).to.be.greaterThan(26);

    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const rows = page.locator('tr[data-delivery-id]');
      await rows.first().waitFor();
      expect(await rows.count()).to.equal(25);
      await page.getByRole('button', { name: 'Load more' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('tr[data-delivery-id]').length === n, total);
      expect(await page.getByRole('button', { name: 'Load more' }).isVisible()).to.equal(false);

      await page.getByLabel('Status').selectOption('failed');
      await page.waitForFunction(() => document.querySelectorAll('tr[data-delivery-id]').length === 1);
      expect(await rows.first().textContent()).to.contain('Bounced');
      await page.getByLabel('Status').selectOption('retrying');
      await page.getByText('No delivery matches.').waitFor();
    });
  });

  it('a runtime key sees the delivery log but no Retry; its tabs are Deliveries and Suppressions', async () => {
    const runtime = await envoi.key('runtime', 'platform');
    reject = true;
    const r = await execute({ to: 'x@customer.test', subject: 'Runtime view', text: 'x' });
    reject = false;
    expect(r.body.status).to.equal('failed');
    await withSignedInPage(browser, envoi.url, runtime, async ({ page }) => {
      expect(await page.getByRole('tab').allTextContents()).to.deep.equal(['Deliveries', 'Suppressions']);
      expect(await page.locator('#who').textContent()).to.contain('runtime');
      await page.locator(`tr[data-delivery-id="${r.body.deliveryId}"]`).getByRole('button', { name: 'Runtime view' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delivery' });
      await dialog.getByText('User unknown').first().waitFor();
      expect(await dialog.getByRole('button', { name: 'Retry' }).count()).to.equal(0);
    });
  });
});
