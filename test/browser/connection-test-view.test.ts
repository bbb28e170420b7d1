// The Edit dialog's Test at 1280×800: the progress (the stage being tried, streamed by the API,
// and the seconds elapsed) shows beside the button and each change of stage is announced; the
// result ends inside the viewport, not 1,500 px below the sticky footer (issue 17).

import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { testPki } from '../support/certs.js';
import { TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, withSignedInPage } from './support.js';

describe('admin page: the connection test in view (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let sink: SmtpSink;
  let slowAuth: SmtpSink;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    // A server that accepts but never greets: the test runs until the greeting timeout (1.5 s), long
    // enough to watch its progress, and ends in a failure with a hint (the longer result).
    sink = await new SmtpSink({ tls: 'none', server: { onConnect: (_session, cb) => void setTimeout(() => cb(), 10_000) } }).start();
    const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Slow relay', senderEmail: 'u@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE' });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    // A relay slow at every step: it greets after 1 s (within the 1.5 s greeting timeout), offers
    // STARTTLS and AUTH, then sits on the credentials for 2.5 s before refusing them.
    slowAuth = await new SmtpSink({
      tls: 'starttls',
      users: { u: 'right' },
      server: {
        onConnect: (_session, cb) => void setTimeout(() => cb(), 1000),
        onAuth: (_auth, _session, cb) => void setTimeout(() => cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 })), 2500),
      },
    }).start();
    const s = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Slow sign-in', senderEmail: 'u@envoi.test', host: 'localhost', port: slowAuth.port, user: 'u', password: 'wrong', caCertificate: testPki().caCert });
    expect(s.status, JSON.stringify(s.body)).to.equal(201);
  });

  after(async () => {
    await browser?.close();
    await sink?.close();
    await slowAuth?.close();
    await envoi?.stop();
  });

  it('shows the progress beside the button, then the result (a failure with its hint) inside the viewport', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('row', { name: /Slow relay/ }).getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit connection “Slow relay”' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Test connection' }).click();

      const progress = dialog.locator('.actions.sticky .test-progress');
      // The server never greets: the test stays at connecting.
      await progress.getByRole('status').getByText('Connecting…').waitFor();
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

  it('shows the stage being tried as the test moves on (Connecting… then Signing in…), announcing each change once', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('row', { name: /Slow sign-in/ }).getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit connection “Slow sign-in”' });
      await dialog.waitFor();
      const progress = dialog.locator('.actions.sticky .test-progress');
      const status = progress.getByRole('status');
      // Every text the live region takes, to prove it speaks per stage, not per second.
      await status.evaluate((el) => {
        const seen: string[] = [];
        (window as unknown as { announced: string[] }).announced = seen;
        new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
      });
      await dialog.getByRole('button', { name: 'Test connection' }).click();

      await status.getByText('Connecting…').waitFor();
      expect(await progress.textContent(), 'the stage and the seconds, side by side').to.match(/Connecting… \d+ s/);
      await status.getByText('Signing in…').waitFor();
      await progress.getByText(/^[2-9] s$/).waitFor();
      expect(await status.textContent(), 'still signing in as the seconds tick').to.equal('Signing in…');

      await dialog.locator('.result-area .result.fail').waitFor();
      expect(await progress.locator('.test-outcome.fail').textContent()).to.equal('✗ Failed at sign-in (AUTH)');
      const announced = await page.evaluate(() => (window as unknown as { announced: string[] }).announced);
      // Once per stage, in order (the instant DNS lookup of localhost may come in one chunk with connecting).
      expect(announced.filter((a) => a && a !== 'Looking up the server…')).to.deep.equal(['Testing…', 'Connecting…', 'Securing the connection (TLS)…', 'Signing in…']);
    });
  });
});
