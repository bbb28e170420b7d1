import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { testPki } from '../support/certs.js';
import { TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, screenshot, signIn, withPage, withSignedInPage } from './support.js';

describe('admin page: connections (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let sink: SmtpSink;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    sink = await new SmtpSink({ tls: 'starttls', users: { 'u@gmail.test': 'app-password' } }).start();
  });

  after(async () => {
    await browser?.close();
    await sink?.close();
    await envoi?.stop();
  });

  it('signs in, builds a Gmail-preset connection to a local server, tests it (wrong then right app password), saves, makes it default and sends a test email', async () => {
    await withPage(browser, envoi.url, async ({ page }) => {
      await page.goto(envoi.url);
      await page.getByRole('heading', { name: 'Sign in to Envoi' }).waitFor();
      await screenshot(page, 'sign-in');

      // A wrong key is refused on the form, with the error linked to the field.
      await page.getByLabel('API key').fill('not-a-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#api-key-err').getByText(/The API key was not accepted/).waitFor();
      expect(await page.getByLabel('API key').getAttribute('aria-describedby')).to.contain('api-key-err');

      await signIn(page, envoi.url, envoi.adminKey);
      const who = page.locator('#who');
      expect(await who.textContent()).to.match(/admin/).and.to.match(/platform/);
      expect(await page.evaluate(() => Object.keys(sessionStorage))).to.include('envoi.apiKey');
      expect(await page.evaluate(() => Object.keys(localStorage))).to.deep.equal([]);

      // Tabs: a tablist of buttons with aria-selected; arrow keys move between them.
      const tabs = page.getByRole('tab');
      expect(await tabs.allTextContents()).to.deep.equal(['Connections', 'Deliveries', 'Suppressions', 'DKIM', 'Try an action', 'Templates', 'Webhooks', 'Mailbox', 'API keys']);
      expect(await page.getByRole('tab', { name: 'Connections' }).getAttribute('aria-selected')).to.equal('true');
      await page.getByRole('tab', { name: 'Connections' }).focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.getByRole('tab', { name: 'Deliveries' }).getAttribute('aria-selected')).to.equal('true');
      await page.keyboard.press('ArrowLeft');
      expect(await page.getByRole('tab', { name: 'Connections' }).getAttribute('aria-selected')).to.equal('true');
      await page.getByText('No connection in platform yet').waitFor();

      // The dialog focuses its first field and closes on Escape.
      await page.getByRole('button', { name: 'Add connection' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a connection' });
      await dialog.waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal(await dialog.getByLabel('Start from a preset').getAttribute('id'));
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Add connection' }).click();
      await dialog.getByLabel('Start from a preset').selectOption({ label: 'Gmail / Google Workspace' });
      const note = dialog.locator('.callout');
      expect(await note.textContent()).to.contain('app password');
      expect(await dialog.getByLabel('SMTP host').inputValue()).to.equal('smtp.gmail.com');
      expect(await dialog.getByLabel('Port', { exact: true }).inputValue()).to.equal('587');
      const portNote = dialog.locator('.field.integer .note').first();
      expect(await portNote.textContent()).to.equal('Port 587: STARTTLS, Secure off.');
      // "Same as sender" (the preset ticks it) hides the user name field.
      expect(await dialog.getByLabel('User name same as sender email').isChecked()).to.equal(true);
      expect(await dialog.getByLabel('User name', { exact: true }).isVisible()).to.equal(false);
      await dialog.getByLabel('User name same as sender email').uncheck();
      expect(await dialog.getByLabel('User name', { exact: true }).isVisible()).to.equal(true);
      await dialog.getByLabel('User name same as sender email').check();

      // Port-aware hints: 465 wants Secure on; a mismatch is a warning.
      await dialog.getByLabel('Port', { exact: true }).fill('465');
      expect(await portNote.textContent()).to.match(/Port 465 expects Secure on \(TLS from the first byte\)/);
      expect(await portNote.getAttribute('class')).to.contain('warn');
      await dialog.getByLabel('Secure', { exact: true }).check();
      expect(await portNote.textContent()).to.equal('Port 465: Secure on (TLS from the first byte).');
      await dialog.getByLabel('Port', { exact: true }).fill('587');
      expect(await portNote.textContent()).to.match(/Port 587 expects STARTTLS: Secure off/);
      await dialog.getByLabel('Secure', { exact: true }).uncheck();

      // Point it at the local sink: localhost, its port, the test CA; a wrong password first.
      await dialog.getByLabel('Connection name').fill('Support mailbox');
      await dialog.getByRole('textbox', { name: 'Sender email', exact: true }).fill('u@gmail.test');
      await dialog.getByLabel('Sender display name').fill('Acme Support');
      await dialog.getByLabel('SMTP host').fill('localhost');
      await dialog.getByLabel('Port', { exact: true }).fill(String(sink.port));
      expect(await portNote.isVisible()).to.equal(false);
      await dialog.getByLabel('Password', { exact: true }).fill('wrong-password');
      await dialog.getByText('Advanced: TLS, certificates, rate limit, pool').click();
      await dialog.getByLabel('CA certificate (PEM)').fill(testPki().caCert);

      await dialog.getByRole('button', { name: 'Test connection' }).click();
      const result = dialog.locator('.result-area .result');
      await result.waitFor();
      expect(await result.getAttribute('class')).to.contain('fail');
      const failure = (await result.textContent()) ?? '';
      expect(failure).to.contain('Connection test failed');
      expect(failure).to.contain('stage: sign-in (AUTH)');
      expect(failure).to.match(/AUTH_FAILED/);
      expect(failure).to.match(/app password/);
      expect(failure).to.match(/\d+ ms/);
      // The hint also sits at the password field, linked for screen readers.
      const password = dialog.getByLabel('Password', { exact: true });
      expect(await password.getAttribute('aria-invalid')).to.equal('true');
      const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
      const linked = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '), describedBy);
      expect(linked).to.match(/app password/);
      expect(sink.authAttempts.some((a) => !a.ok && a.username === 'u@gmail.test')).to.equal(true);
      await dialog.getByText('Advanced: TLS, certificates, rate limit, pool').click();
      await password.scrollIntoViewIfNeeded();
      await screenshot(page, 'connection-form-failed-test');

      await password.fill('app-password');
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      await dialog.locator('.result-area .result.ok').waitFor();
      expect(await dialog.locator('.result-area').textContent()).to.match(/Connection works — stage: done/);
      expect(await password.getAttribute('aria-invalid')).to.equal(null);

      await dialog.getByRole('button', { name: 'Save connection' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('#banner').getByText('Added connection “Support mailbox”.').waitFor();
      const row = page.getByRole('row', { name: /Support mailbox/ });
      expect(await row.textContent()).to.contain(`localhost:${sink.port}`);
      expect(await row.getByRole('cell').nth(2).textContent()).to.equal('STARTTLS');
      expect(await row.locator('.badge', { hasText: 'Default' }).count()).to.equal(0);

      await row.getByRole('button', { name: 'Make default' }).click();
      await row.locator('.badge', { hasText: 'Default' }).waitFor();
      expect(await row.getByRole('button', { name: 'Make default' }).count()).to.equal(0);

      await row.getByRole('button', { name: 'Send test email' }).click();
      const mailDialog = page.getByRole('dialog', { name: 'Send a test email' });
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).to.equal('email');
      await mailDialog.getByLabel('Send the test email to').fill('ada@example.test');
      await mailDialog.getByRole('button', { name: 'Send test email' }).click();
      await mailDialog.locator('.result.ok').waitFor();
      expect(await mailDialog.textContent()).to.contain('Test email from Envoi');
      const [mail] = await sink.waitFor(1);
      expect(mail!.parsed.subject).to.equal('Test email from Envoi');
      expect(mail!.envelope.to).to.deep.equal(['ada@example.test']);
      expect(mail!.user).to.equal('u@gmail.test');
      await page.keyboard.press('Escape');
      await mailDialog.waitFor({ state: 'detached' });

      // Saved for real: the API agrees, and the page never held the password.
      const list = await envoi.api('GET', '/api/v1/scopes/platform/connections');
      expect(list.body.items).to.have.length(1);
      expect(list.body.items[0]).to.include({ name: 'Support mailbox', isDefault: true, hasSecret: true, userSameAsSender: true });
      expect(await page.content()).not.to.contain('app-password');

      // Two more, made through the API, to show the list's columns and a warning; Refresh shows them.
      for (const c of [
        { name: 'Transactional relay', senderEmail: 'noreply@acme.test', senderName: 'Acme', host: 'localhost', port: 2525, authMethod: 'NONE', requireTLS: true },
        { name: 'Legacy relay', senderEmail: 'legacy@acme.test', host: 'localhost', port: 465, secure: false, authMethod: 'NONE' },
      ]) expect((await envoi.api('POST', '/api/v1/scopes/platform/connections', c)).status).to.equal(201);
      await page.getByRole('button', { name: 'Refresh' }).click();
      const legacy = page.getByRole('row', { name: /Legacy relay/ });
      await legacy.waitFor();
      expect(await legacy.locator('.warnings').textContent()).to.match(/Port 465 expects TLS from the first byte/);
      expect(await legacy.getByRole('cell').nth(2).textContent()).to.equal('none');
      expect(await page.getByRole('row', { name: /Transactional relay/ }).getByRole('cell').nth(2).textContent()).to.equal('STARTTLS');
      await screenshot(page, 'connections');

      // Dark theme follows prefers-color-scheme.
      await page.emulateMedia({ colorScheme: 'dark' });
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).to.equal('rgb(17, 20, 26)');
      await screenshot(page, 'connections-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // Sign out forgets the key.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Envoi' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('envoi.apiKey'))).to.equal(null);
    });
  });

  it('edits a connection: the password field starts empty ("leave empty to keep"); a changed host needs it again (SECRET_REQUIRED hint at the field); delete asks first', async () => {
    const created = await envoi.api('POST', '/api/v1/scopes/platform/connections', {
      name: 'Relay', senderEmail: 'u@gmail.test', host: 'localhost', port: sink.port, authMethod: 'PLAIN', userSameAsSender: true, password: 'app-password', caCertificate: testPki().caCert,
    });
    expect(created.status).to.equal(201);
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      const row = page.getByRole('row', { name: /Relay/ });
      await row.getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit connection “Relay”' });
      await dialog.waitFor();
      const password = dialog.getByLabel('Password', { exact: true });
      expect(await password.inputValue()).to.equal('');
      expect(await password.getAttribute('placeholder')).to.equal('leave empty to keep');
      expect(await dialog.textContent()).to.contain('Leave empty to keep the stored password.');
      expect(await dialog.getByLabel('Start from a preset').count()).to.equal(0);

      // Test with the stored password (the form sends the id; the field stays empty).
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      await dialog.locator('.result-area .result.ok').waitFor();

      await dialog.getByLabel('SMTP host').fill('127.0.0.1');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.locator('.result-area .result.fail').waitFor();
      expect(await dialog.locator('.result-area').textContent()).to.contain('SECRET_REQUIRED');
      expect(await password.getAttribute('aria-invalid')).to.equal('true');
      const errId = (await password.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-err'))!;
      expect(await page.locator(`#${errId}`).textContent()).to.match(/Enter the password \(or client secret\) again/);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).to.equal('password');

      await dialog.getByLabel('SMTP host').fill('localhost');
      await dialog.getByLabel('Sender display name').fill('Relay desk');
      // A setting that saves with a warning: the API's warnings are shown after the save.
      expect(await dialog.getByLabel('Allow invalid certificates').isVisible()).to.equal(true); // Advanced opens for a saved CA
      await dialog.getByLabel('Allow invalid certificates').check();
      // Relaxing certificate checks is a change the stored password was not entered for.
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForFunction(() => /Allow invalid certificates/.test(document.querySelector('dialog .result-area')?.textContent ?? ''));
      expect(await dialog.locator('.result-area').textContent()).to.contain('SECRET_REQUIRED');
      await password.fill('app-password');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByText('Relay desk <u@gmail.test>').waitFor();
      const warning = page.locator('.notice-area .callout.warn');
      await warning.waitFor();
      expect(await warning.textContent()).to.contain('Warnings for “Relay”').and.contain('Certificates are not verified');
      expect(await page.locator('#announcer').textContent()).to.contain('Saved connection “Relay”.');

      await row.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete connection?' });
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect(await row.count()).to.equal(1);
      await row.getByRole('button', { name: 'Delete' }).click();
      await confirm.getByRole('button', { name: 'Delete connection' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await envoi.api('GET', `/api/v1/scopes/platform/connections/${created.body.id}`)).status).to.equal(404);
    });
  });

  it('edits a connection with a fallback: the picker shows the fallback by name, keeps it on save, and clears it with None', async () => {
    const backup = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Backup relay', senderEmail: 'u@gmail.test', host: 'localhost', port: sink.port, authMethod: 'NONE' });
    const main = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'Main relay', senderEmail: 'u@gmail.test', host: 'localhost', port: sink.port, authMethod: 'NONE', fallback: 'Backup relay' });
    expect(main.status, main.text).to.equal(201);
    const fallbackOf = async () => (await envoi.api('GET', `/api/v1/scopes/platform/connections/${main.body.id}`)).body.fallback;
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      const row = page.getByRole('row', { name: /Main relay/ });
      const edit = async (change: (dialog: ReturnType<typeof page.getByRole>) => Promise<void>) => {
        await row.getByRole('button', { name: 'Edit' }).click();
        const dialog = page.getByRole('dialog', { name: 'Edit connection “Main relay”' });
        await dialog.waitFor();
        await change(dialog);
        await dialog.getByRole('button', { name: 'Save changes' }).click();
        await dialog.waitFor({ state: 'detached' });
      };
      await edit(async (dialog) => {
        const picker = dialog.getByLabel('Fallback connection');
        expect(await picker.inputValue()).to.equal(backup.body.id);
        expect(await picker.locator('option:checked').textContent()).to.equal('Backup relay');
        await dialog.getByLabel('Sender display name').fill('Main desk');
      });
      expect(await fallbackOf()).to.deep.equal({ id: backup.body.id, name: 'Backup relay' });
      await edit(async (dialog) => void (await dialog.getByLabel('Fallback connection').selectOption({ label: 'None' })));
      expect(await fallbackOf()).to.equal(null);
    });
  });

  it('shows an unhealthy connection with its last error, and its waiting mail in the delivery log', async () => {
    const created = await envoi.api('POST', '/api/v1/scopes/platform/connections', {
      name: 'Expired login', senderEmail: 'u@gmail.test', host: 'localhost', port: sink.port, authMethod: 'PLAIN', userSameAsSender: true, password: 'revoked-app-password', caCertificate: testPki().caCert,
    });
    expect(created.status).to.equal(201);
    const sent = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'bob@example.test', subject: 'Weekly report', text: 'x', connection: created.body.id } });
    expect(sent.status).to.equal(202);
    for (let i = 0; i < 100; i++) {
      const c = await envoi.api('GET', `/api/v1/scopes/platform/connections/${created.body.id}`);
      if (c.body.health?.status === 'unhealthy') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      const row = page.getByRole('row', { name: /Expired login/ });
      await row.waitFor();
      expect(await row.locator('.badge', { hasText: 'Unhealthy' }).count()).to.equal(1);
      expect(await row.textContent()).to.contain('AUTH_FAILED');
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const mail = page.locator(`tr[data-delivery-id="${sent.body.deliveryId}"]`);
      await mail.waitFor();
      expect(await mail.textContent()).to.contain('Weekly report').and.contain('waiting: CONNECTION_UNHEALTHY');
      await mail.getByRole('button', { name: 'Weekly report' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delivery' });
      await dialog.getByText('CONNECTION_UNHEALTHY').first().waitFor();
      expect(await dialog.textContent()).to.contain('Waiting');
      await page.keyboard.press('Escape');
    });
  });
});
