import { expect } from 'chai';
import { closedPort } from '../support/smtp-sink.js';
import { signIn, withPage, withSignedInPage } from './support.js';
import { browserSuite } from './suite.js';

const SECRET = 'Zq9-distinctive-P4ssw0rd-e1f7';

describe('admin page: roles and secrets (browser)', function () {
  this.timeout(60_000);
  let connectionId: string;

  const s = browserSuite({
    setUp: async () => {
      const c = await s.envoi.api('POST', '/api/v1/scopes/platform/connections', {
        name: 'Secret keeper', senderEmail: 'keeper@envoi.test', host: '127.0.0.1', port: await closedPort(), authMethod: 'LOGIN', user: 'keeper', password: SECRET, isDefault: true,
      });
      expect(c.status).to.equal(201);
      connectionId = c.body.id;
    },
  });

  it('a builder key sees connections without add, edit, delete, default or test controls, and previews actions without sending', async () => {
    const builder = await s.envoi.key('builder', 'platform');
    await withSignedInPage(s.browser, s.envoi.url, builder, async ({ page }) => {
      expect(await page.locator('#who').textContent()).to.contain('builder');
      expect(await page.getByRole('tab').allTextContents()).to.deep.equal(['Connections', 'Try an action', 'Templates']);
      const row = page.getByRole('row', { name: /Secret keeper/ });
      await row.waitFor();
      expect(await row.textContent()).to.contain('Default').and.contain('127.0.0.1:').and.contain('STARTTLS');
      expect(await row.getByRole('button').count()).to.equal(0);
      // Not hidden behind CSS either: no such button is in the page at all.
      for (const name of ['Add connection', 'Edit', 'Delete', 'Make default', 'Test', 'Send test email']) {
        expect(await page.getByRole('button', { name, includeHidden: true }).count(), name).to.equal(0);
      }
      expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).to.equal(0);

      await page.getByRole('tab', { name: 'Try an action' }).click();
      const form = page.locator('form.action-form');
      await form.getByRole('textbox', { name: /^To/ }).fill('bob@example.test');
      await form.getByRole('textbox', { name: /^Subject/ }).fill('Builder preview');
      await form.getByRole('textbox', { name: 'Text body' }).fill('Hi Bob');
      await form.getByRole('button', { name: 'Preview' }).click();
      await page.locator('.preview-subject').getByText('Builder preview').waitFor();
      expect(await page.locator('.output').textContent()).to.contain('Secret keeper (smtp)');
      expect(await form.getByRole('button', { name: 'Send' }).count()).to.equal(0);
    });
  });

  it('a tenant key is fixed to its scope; a platform key picks one (validated)', async () => {
    const tenant = await s.envoi.key('admin', 'acme');
    await withSignedInPage(s.browser, s.envoi.url, tenant, async ({ page }) => {
      const who = page.locator('#who');
      expect(await who.textContent()).to.contain('acme');
      expect(await who.getByLabel('Scope').count()).to.equal(0);
      await page.getByRole('heading', { name: 'Connections of acme' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, s.envoi.url, s.envoi.adminKey);
      const scope = who.getByLabel('Scope');
      expect(await scope.inputValue()).to.equal('platform');
      await scope.fill('Not A Scope!');
      await who.getByRole('button', { name: 'Switch' }).click();
      expect(await scope.getAttribute('aria-invalid')).to.equal('true');
      const described = (await scope.getAttribute('aria-describedby')) ?? '';
      const text = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '), described);
      expect(text).to.match(/lower-case letters, digits and dashes/);
      await scope.fill('acme');
      await who.getByRole('button', { name: 'Switch' }).click();
      await page.getByRole('heading', { name: 'Connections of acme' }).waitFor();
      expect(await scope.getAttribute('aria-invalid')).to.equal(null);
      // The choice survives a reload (sessionStorage), and so does the sign-in.
      await page.reload();
      await page.getByRole('heading', { name: 'Connections of acme' }).waitFor();
    });
  });

  it('never puts a secret into the page or any response: the edit form starts with an empty password, and tests reuse the stored one', async () => {
    await withPage(s.browser, s.envoi.url, async ({ page }) => {
      const bodies: Array<Promise<{ url: string; text: string }>> = [];
      page.on('response', (r) => bodies.push(r.text().then((text) => ({ url: r.url(), text }), () => ({ url: r.url(), text: '' }))));
      await signIn(page, s.envoi.url, s.envoi.adminKey);
      const row = page.getByRole('row', { name: /Secret keeper/ });
      await row.getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit connection “Secret keeper”' });
      await dialog.waitFor();
      expect(await dialog.getByLabel('User name', { exact: true }).inputValue()).to.equal('keeper');
      const password = dialog.getByLabel('Password', { exact: true });
      expect(await password.inputValue()).to.equal('');
      expect(await password.getAttribute('type')).to.equal('password');
      // Test connection with the stored password: the server is down, and says so.
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      await dialog.locator('.result-area .result.fail').waitFor();
      expect(await dialog.locator('.result-area').textContent()).to.contain('CONNECTION_REFUSED');
      expect(await page.content()).not.to.contain(SECRET);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await row.getByRole('button', { name: 'Test Secret keeper', exact: true }).click();
      await page.locator('.notice-area .result.fail').waitFor();

      for (const tab of ['Deliveries', 'Try an action', 'Connections']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.waitForLoadState('networkidle');
      }
      expect(await page.content()).not.to.contain(SECRET);
      const values = await page.evaluate(() => [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value));
      expect(values.join('\n')).not.to.contain(SECRET);
      expect(JSON.stringify(await page.evaluate(() => ({ ...sessionStorage, ...localStorage })))).not.to.contain(SECRET);
      const seen = await Promise.all(bodies);
      expect(seen.length).to.be.greaterThan(10);
      expect(seen.some((b) => b.url.includes(`/connections`) && b.text.includes(connectionId))).to.equal(true);
      for (const b of seen) expect(b.text, b.url).not.to.contain(SECRET);
    });
  });
});
