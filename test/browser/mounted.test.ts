import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createLogger } from '../../connector/log.js';
import { createEnvoi, type Envoi } from '../../lib/index.js';
import { startHost } from '../support/host-app.js';
import { launchBrowser, withPage } from './support.js';

describe('browser: the admin page mounted in a host app under /plugins/email', function () {
  let browser: Browser;
  let envoi: Envoi;
  let host: Awaited<ReturnType<typeof startHost>>;

  before(async function () {
    browser = await launchBrowser(this);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-mounted-'));
    envoi = await createEnvoi({ env: {}, dataDir, worker: false, logger: createLogger({ level: 'error', write: () => {} }) });
    host = await startHost(envoi);
  });
  after(async () => {
    await browser?.close();
    await host?.close();
    await envoi?.close();
  });

  it('enters as the host\'s user without a key screen, every request under the mount path and none failing', async () => {
    await withPage(browser, host.url, async ({ context, page, requests }) => {
      await context.setExtraHTTPHeaders({ 'x-user': 'bob' });
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
      page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      await page.goto(`${host.url}/plugins/email`);
      await page.getByRole('tablist', { name: 'Sections' }).waitFor();
      const who = await page.locator('#who').textContent();
      expect(who).to.include('Bob of Acme').and.include('acme');
      expect(await page.getByRole('button', { name: 'Sign out' }).count(), 'the host signs out, not Envoi').to.equal(0);
      expect(await page.locator('#signin').isHidden()).to.equal(true);
      // The connections tab read the API (under the mount path) and found none in acme.
      await page.locator('#panel-connections .empty').waitFor();
      expect(failed).to.deep.equal([]);
      const outside = requests.filter((u) => !u.startsWith(`${host.url}/plugins/email/`) && !/^(data|blob|about):/.test(u));
      expect(outside, 'only the redirect leaves the mount path').to.deep.equal([`${host.url}/plugins/email`]);
    });
  });

  it('without the host\'s sign-in the page shows its key screen (the API answers 401)', async () => {
    await withPage(browser, host.url, async ({ page }) => {
      await page.goto(`${host.url}/plugins/email/`);
      await page.getByLabel('API key').waitFor();
      expect(await page.locator('#workspace').isHidden()).to.equal(true);
    });
  });
});
