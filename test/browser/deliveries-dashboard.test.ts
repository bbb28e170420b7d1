// The Deliveries tab's dashboard and search against the real server: after sends through a real
// SMTP sink, a failure, a bounce and a complaint, the totals the page shows are the API's counts,
// the search finds by recipient, and a delivery's attempts and events are one timeline.

import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, screenshot, withSignedInPage } from './support.js';

const smtpError = (text: string, responseCode: number) => Object.assign(new Error(text), { responseCode });

describe('admin page: deliveries dashboard (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let sink: SmtpSink;
  const sent: string[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    sink = await new SmtpSink({
      tls: 'none',
      server: {
        onRcptTo(address, _session, cb) {
          if (address.address.startsWith('gone')) return cb(smtpError(`5.1.1 <${address.address}>: User unknown`, 550));
          cb();
        },
      },
    }).start();
    const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { name: 'Dashboard relay', authMethod: 'NONE' }));
    expect(c.status).to.equal(201);
    const send = (to: string, subject: string) =>
      envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { connection: c.body.id, to, subject, text: 'hello' } });
    for (const who of ['ada', 'bob', 'carol', 'dan']) {
      const r = await send(`${who}@customer.test`, `Report for ${who}`);
      expect(r.body.status).to.equal('sent');
      sent.push(r.body.deliveryId);
    }
    expect((await send('gone@customer.test', 'Lost report')).body.status).to.equal('failed');
    const events = envoi.server.envoi.deliveryEvents;
    await events.record({ deliveryId: sent[0]!, recipient: 'ada@customer.test', type: 'bounced', bounce: { type: 'hard', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 unknown user' }, source: 'dsn' });
    await events.record({ deliveryId: sent[1]!, recipient: 'bob@customer.test', type: 'complained', source: 'arf' });
  });

  after(async () => {
    await browser?.close();
    await sink?.close();
    await envoi?.stop();
  });

  const count = async (query: string) => (await envoi.api('GET', `/api/v1/scopes/platform/deliveries?limit=500&${query}`)).body.items.length as number;

  it('shows the totals of GET …/deliveries/stats, which match the delivery list, as numbers and in the chart', async () => {
    const stats = (await envoi.api('GET', '/api/v1/scopes/platform/deliveries/stats')).body;
    expect(stats.totals).to.include({ sent: 4, failed: 1, bounced: 1, complained: 1 });
    expect(stats.totals.sent).to.equal(await count('status=sent'));
    expect(stats.totals.failed).to.equal(await count('status=failed'));
    expect(stats.totals.bounced).to.equal(await count('event=bounced'));
    expect(stats.totals.complained).to.equal(await count('event=complained'));

    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const total = (s: string) => page.locator(`[data-total="${s}"] dd`).textContent();
      await page.locator('[data-total="sent"] dd').waitFor();
      for (const s of ['sent', 'failed', 'bounced', 'complained', 'queued', 'captured']) expect(Number(await total(s)), s).to.equal(stats.totals[s]);
      const chart = page.getByRole('img', { name: /^Chart of the period/ });
      expect(await chart.getAttribute('aria-label')).to.equal('Chart of the period: 4 sent, 1 failed, 1 bounced, 1 complaints');
      // Seven day buckets, today's holding every bar.
      expect(await page.locator('.stats table tbody tr').count()).to.equal(7);
      expect(await page.locator('.stats table tbody tr').last().locator('td').allTextContents()).to.deep.equal(['4', '1', '1', '1']);
      expect(await page.locator('.stats-chart rect').count()).to.equal(4);
      await screenshot(page, 'deliveries-dashboard');

      await page.getByLabel('Period', { exact: true }).selectOption('24h');
      await page.waitForFunction(() => document.querySelectorAll('.stats table tbody tr').length === 24);
      expect(Number(await total('sent'))).to.equal(4);
    });
  });

  it('searches by recipient and subject, and shows attempts and events as one timeline', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const rows = page.locator('tr[data-delivery-id]');
      await page.waitForFunction(() => document.querySelectorAll('tr[data-delivery-id]').length === 5);
      await page.getByLabel('Recipient contains').fill('ADA@');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tr[data-delivery-id]').length === 1);
      expect(await rows.first().getAttribute('data-delivery-id')).to.equal(sent[0]);
      await page.getByLabel('Recipient contains').fill('');
      await page.getByLabel('Subject contains').fill('lost');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tr[data-delivery-id]').length === 1);
      expect(await rows.first().textContent()).to.contain('Lost report');
      await page.getByLabel('Subject contains').fill('');
      await page.getByLabel('Event').selectOption('bounced');
      await page.waitForFunction(() => document.querySelectorAll('tr[data-delivery-id]').length === 1);

      await rows.first().getByRole('button', { name: 'Report for ada' }).click();
      const timeline = page.getByRole('dialog', { name: 'Delivery' }).getByRole('region', { name: 'Attempts and events' });
      await timeline.locator('li').nth(1).waitFor();
      const items = timeline.locator('ol.timeline > li');
      expect(await items.count()).to.equal(2);
      expect(await items.nth(0).getAttribute('data-attempt')).to.equal('1');
      expect(await items.nth(0).textContent()).to.contain('Attempt 1').and.contain('sent').and.contain('through Dashboard relay');
      expect(await items.nth(1).getAttribute('data-event')).to.equal('bounced');
      expect(await items.nth(1).textContent()).to.contain('bounced (hard)').and.contain('via dsn');
    });
  });

  it('refreshes itself every 10 s while auto-refresh is on', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      await page.locator('[data-total="complained"] dd').waitFor();
      await page.getByLabel('Refresh every 10 s').check();
      await envoi.server.envoi.deliveryEvents.record({ deliveryId: sent[2]!, recipient: 'carol@customer.test', type: 'complained', source: 'arf' });
      await page.waitForFunction(() => document.querySelector('[data-total="complained"] dd')?.textContent === '2', undefined, { timeout: 15_000 });
    });
  });
});
