import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { Dnsmasq, dnsmasqBinary } from '../support/dnsmasq.js';
import { skipUnlessCI } from '../support/env.js';
import { TestEnvoi } from '../support/harness.js';
import { launchBrowser, screenshot, withSignedInPage } from './support.js';

describe('admin page: DKIM keys and the domain check (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let dns: Dnsmasq | undefined;

  before(async function () {
    const bin = dnsmasqBinary();
    if (!bin) return skipUnlessCI(this, 'dnsmasq is not installed (apt-get install dnsmasq-base)');
    browser = await launchBrowser(this);
    dns = new Dnsmasq(bin);
    envoi = await new TestEnvoi({ overrides: { dnsServers: [await dns.reserve()] } }).start();
    await dns.publish({ txt: [['shop.test', 'v=spf1 -all'], ['_dmarc.shop.test', 'v=DMARC1; p=reject']], mx: [['shop.test', 'mx.shop.test', 10]] });
  });

  after(async () => {
    await browser?.close();
    await envoi?.stop();
    await dns?.close();
  });

  it('an admin creates an Ed25519 key, sees its record with Copy buttons, checks the domain before and after publishing, and deletes the key', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('tab', { name: 'DKIM' }).click();
      await page.getByText('No DKIM key yet').waitFor();
      await page.getByLabel('Domain', { exact: true }).first().fill('shop.test');
      await page.getByLabel('Selector (optional)').fill('s2026');
      await page.getByLabel('Algorithm').selectOption('ed25519');
      await page.getByRole('button', { name: 'Create key' }).click();
      const row = page.locator('tr[data-id]');
      await row.waitFor();
      const [key] = (await envoi.api('GET', '/api/v1/scopes/platform/dkim-keys')).body.items;
      expect(key).to.include({ domain: 'shop.test', selector: 's2026', algorithm: 'ed25519' });
      expect(await row.locator('code.record').allTextContents()).to.deep.equal([key.dnsRecord.name, key.dnsRecord.value]);
      expect(await row.getByRole('button', { name: /^Copy / }).count()).to.equal(2);

      await row.getByRole('button', { name: 'Check domain' }).click();
      const dkim = page.locator('tr[data-kind="dkim"]');
      await dkim.waitFor();
      expect(await dkim.getAttribute('data-status')).to.equal('fail');
      expect(await dkim.locator('code.record').allTextContents()).to.include(key.dnsRecord.value);
      expect(await page.locator('tr[data-kind="dmarc"]').getAttribute('data-status')).to.equal('pass');
      await screenshot(page, 'domain-check');

      await dns!.publish({ txt: [['shop.test', 'v=spf1 -all'], ['_dmarc.shop.test', 'v=DMARC1; p=reject'], [key.dnsRecord.name, key.dnsRecord.value]], mx: [['shop.test', 'mx.shop.test', 10]] });
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await page.locator('tr[data-kind="dkim"][data-status="pass"]').waitFor();

      await row.getByRole('button', { name: 'Delete key s2026 of shop.test' }).click();
      await page.getByRole('dialog', { name: 'Delete DKIM key' }).getByRole('button', { name: 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await envoi.api('GET', '/api/v1/scopes/platform/dkim-keys')).body.items).to.deep.equal([]);
    });
  });

  it('a builder has no DKIM tab', async () => {
    const builder = await envoi.key('builder', 'platform');
    await withSignedInPage(browser, envoi.url, builder, async ({ page }) => {
      await page.getByRole('tab', { name: 'Connections' }).waitFor();
      expect(await page.getByRole('tab', { name: 'DKIM' }).count()).to.equal(0);
    });
  });
});
