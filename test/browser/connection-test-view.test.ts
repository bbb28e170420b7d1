// The Edit dialog's Test at 1280×800: the progress (what is running, the seconds elapsed) shows
// beside the button and is announced, and the result ends inside the viewport, not 1,500 px below
// the sticky footer (issue 17).

import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, withSignedInPage } from './support.js';

describe('admin page: the connection test in view (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let sink: SmtpSink;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    // A server that accepts but never greets: the test runs until the greeting timeout (1.5 s), long
    // enough to watch its progress, and ends in a failure with a hint (the longer result).
    sink = await new SmtpSink({ tls: 'none', server: { onConnect: (_session, cb) => void setTimeout(() => cb(), 10_000) } }).start();
    const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Slow relay', senderEmail: 'u@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE' });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
  });

  after(async () => {
    await browser?.close();
    await sink?.close();
    await envoi?.stop();
  });

  it('shows the progress beside the button, then the result (a failure with its hint) inside the viewport', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('row', { name: /Slow relay/ }).getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit connection “Slow relay”' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Test connection' }).click();

      const progress = dialog.locator('.actions.sticky .test-progress');
      expect(await progress.getByRole('status').textContent()).to.equal('Testing…');
      await progress.getByText('1 s').waitFor();
      expect(await progress.isVisible()).to.equal(true);

      const result = dialog.locator('.result-area .result.fail');
      await result.waitFor();
      expect(await result.textContent()).to.contain('CONNECTION_TIMEOUT').and.contain('sent no SMTP greeting');
      expect(await progress.locator('.test-outcome.fail').textContent()).to.equal('✗ Failed at connect');
      expect(await progress.getByRole('status').textContent()).to.equal('');
      await page.waitForTimeout(300); // the scroll settles
      const box = (await result.boundingBox())!;
      expect(box.y, 'top').to.be.at.least(0);
      expect(box.y + box.height, 'bottom').to.be.at.most(800);
      // and not hidden under the sticky footer
      const footer = (await dialog.locator('.actions.sticky').boundingBox())!;
      expect(box.y + box.height).to.be.at.most(footer.y + 1);
    });
  });
});
