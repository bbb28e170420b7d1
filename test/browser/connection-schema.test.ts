// The connection dialog and list follow the connection schema's annotations (README "Form
// annotations"): nothing about a provider is written in server/web/. One test serves the page a
// schema with one more provider, as a new provider folder would add it, and sees its form.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { TestEnvoi } from '../support/harness.js';
import { launchBrowser, withSignedInPage } from './support.js';

const M365 = { provider: 'microsoft365', tenantId: 'contoso.onmicrosoft.com', clientId: '0b4d7a4e-3c5f-4f0e-9a43-1d2c3b4a5f60', clientSecret: 'secret-value' };

/** A provider only a schema knows: what connector/providers/acme/settings.schema.json would add. */
const ACME = {
  title: 'Acme Mail API',
  'x-envoi': { sections: [{ id: 'account', title: 'Acme account' }, { id: 'tuning', title: 'Acme tuning' }] },
  properties: {
    provider: { const: 'acme' },
    region: { title: 'Region', type: 'string', enum: ['us', 'eu'], 'x-envoi': { section: 'account', enumLabels: { eu: 'Europe (Frankfurt)' } } },
    clientId: { title: 'Acme client id', type: 'string', 'x-envoi': { section: 'account' } },
    apiKey: { title: 'Acme API key', type: 'string', writeOnly: true, 'x-envoi': { section: 'account', hints: [{ if: { region: ['eu'] }, level: 'warn', text: 'Keys of {region} accounts start with eu-.' }] } },
    sandbox: { title: 'Sandbox mode', type: 'boolean', 'x-envoi': { section: 'tuning' } },
    sandboxInbox: { title: 'Sandbox inbox', type: 'string', 'x-envoi': { section: 'tuning', showIf: { sandbox: [true] } } },
    messageStream: { title: 'Message stream', type: 'string', 'x-envoi': { section: 'advanced' } },
  },
  required: ['provider', 'apiKey'],
};

/** Serves the page the real manifest with ACME added to the connection schema. */
async function withAcme(page: Page): Promise<void> {
  await page.route('**/api/v1/manifest', async (route) => {
    const res = await route.fetch();
    const manifest = await res.json();
    const schema = manifest.connector.settingsSchema;
    schema.oneOf.push(ACME);
    schema.properties.provider.enum.push('acme');
    await route.fulfill({ response: res, json: manifest });
  });
}

describe('admin page: the connection form from the schema (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let schema: any;

  before(async function () {
    browser = await launchBrowser(this);
    envoi = await new TestEnvoi().start();
    schema = (await envoi.api('GET', '/api/v1/manifest')).body.connector.settingsSchema;
  });

  after(async () => {
    await browser?.close();
    await envoi?.stop();
  });

  const alternative = (key: string) => schema.oneOf.find((a: any) => a.properties.provider.const === key);

  it("labels providers, sections and fields with the schema's titles; hides fields by their hideIf; saves a Microsoft 365 connection", async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await page.getByRole('button', { name: 'Add connection' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a connection' });
      await dialog.waitFor();
      const picker = dialog.getByLabel('Provider', { exact: true });
      expect(await picker.locator('option').allTextContents()).to.deep.equal(schema.oneOf.map((a: any) => a.title));
      expect(await picker.inputValue()).to.equal(schema.oneOf.find((a: any) => a['x-envoi']?.default).properties.provider.const);

      // SMTP: "NONE" hides the user name, "same as sender" and the password (their hideIf).
      const auth = dialog.getByLabel(alternative('smtp').properties.authMethod.title);
      await auth.selectOption('NONE');
      for (const name of ['user', 'userSameAsSender', 'password']) expect(await dialog.getByLabel(alternative('smtp').properties[name].title, { exact: true }).isVisible(), name).to.equal(false);
      await auth.selectOption('PLAIN');
      for (const name of ['user', 'userSameAsSender', 'password']) expect(await dialog.getByLabel(alternative('smtp').properties[name].title, { exact: true }).isVisible(), name).to.equal(true);

      // Microsoft 365: its section and labels are the schema's; SMTP's sections go away.
      const m365 = alternative('microsoft365');
      await picker.selectOption({ label: m365.title });
      const section = dialog.locator('fieldset.section', { has: page.locator('legend', { hasText: m365['x-envoi'].sections[0].title }) });
      expect(await section.isVisible()).to.equal(true);
      expect(await section.locator('label').allTextContents()).to.deep.equal(['tenantId', 'clientId', 'clientSecret'].map((n) => m365.properties[n].title + (m365.required.includes(n) ? ' *' : '')));
      expect(await dialog.getByLabel(alternative('smtp').properties.host.title).isVisible()).to.equal(false);
      expect(await dialog.locator('fieldset.section legend', { hasText: 'Server' }).isVisible()).to.equal(false);

      await dialog.getByLabel('Connection name').fill('Graph mailbox');
      await dialog.getByRole('textbox', { name: 'Sender email', exact: true }).fill('notify@contoso.test');
      await section.getByLabel(m365.properties.tenantId.title).fill(M365.tenantId);
      await section.getByLabel(m365.properties.clientId.title).fill(M365.clientId);
      await section.getByLabel(m365.properties.clientSecret.title).fill(M365.clientSecret);
      await dialog.getByRole('button', { name: 'Save connection' }).click();
      await dialog.waitFor({ state: 'detached' });
      const list = await envoi.api('GET', '/api/v1/scopes/platform/connections');
      const saved = list.body.items.find((c: any) => c.name === 'Graph mailbox');
      expect(saved).to.include({ provider: 'microsoft365', tenantId: M365.tenantId, clientId: M365.clientId, hasSecret: true });
      expect(saved).not.to.have.property('host');
    });
  });

  it('shows a provider that only its schema names: its sections, labels, enum labels, hints and showIf', async () => {
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      await withAcme(page);
      await page.reload();
      await page.getByRole('button', { name: 'Add connection' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a connection' });
      await dialog.waitFor();
      await dialog.getByLabel('Provider', { exact: true }).selectOption({ label: 'Acme Mail API' });
      const account = dialog.locator('fieldset.section', { has: page.locator('legend', { hasText: 'Acme account' }) });
      expect(await account.locator('label').allTextContents()).to.deep.equal(['Region', 'Acme client id', 'Acme API key *']);
      expect(await dialog.getByLabel('Acme API key').getAttribute('type')).to.equal('password');
      expect(await account.getByLabel('Region').locator('option').allTextContents()).to.deep.equal(['—', 'us', 'Europe (Frankfurt)']);
      // The field name Microsoft 365 shares keeps each provider's own label.
      expect(await dialog.getByLabel('Application (client) ID').filter({ visible: true }).count()).to.equal(0);

      await account.getByLabel('Region').selectOption('eu');
      const note = account.locator('.field.password .note');
      expect(await note.textContent()).to.equal('Keys of eu accounts start with eu-.');
      expect(await note.getAttribute('class')).to.contain('warn');
      await account.getByLabel('Region').selectOption('us');
      expect(await note.isVisible()).to.equal(false);

      expect(await dialog.getByLabel('Sandbox inbox').isVisible()).to.equal(false);
      await dialog.getByLabel('Sandbox mode').check();
      expect(await dialog.getByLabel('Sandbox inbox').isVisible()).to.equal(true);

      const advanced = dialog.locator('details.section');
      await advanced.locator('summary').click();
      expect(await advanced.getByLabel('Message stream').isVisible()).to.equal(true);

      await dialog.getByLabel('Provider', { exact: true }).selectOption({ label: alternative('microsoft365').title });
      expect(await dialog.getByLabel('Application (client) ID').filter({ visible: true }).count()).to.equal(1);
      expect(await dialog.getByLabel('Acme client id').isVisible()).to.equal(false);
      expect(await account.isVisible()).to.equal(false);
      await page.keyboard.press('Escape');
    });
  });

  it("lists each connection as its provider's summary says, and picks a fallback among the scope's other connections", async () => {
    const made: Record<string, string> = {};
    for (const c of [
      { name: 'Relay A', senderEmail: 'a@acme.test', host: 'localhost', port: 2525, authMethod: 'PLAIN', user: 'bob', password: 'pw' },
      { name: 'Relay B', senderEmail: 'b@acme.test', host: 'localhost', port: 25, authMethod: 'NONE' },
      { name: 'Graph C', senderEmail: 'c@contoso.test', ...M365 },
    ]) {
      const r = await envoi.api('POST', '/api/v1/scopes/platform/connections', c, { key: envoi.adminKey });
      expect(r.status, r.text).to.equal(201);
      made[c.name] = r.body.id;
    }
    await withSignedInPage(browser, envoi.url, envoi.adminKey, async ({ page }) => {
      const cells = async (name: string) => page.getByRole('row', { name: new RegExp(name) }).getByRole('cell').allTextContents();
      await page.getByRole('row', { name: /Relay A/ }).waitFor();
      expect((await cells('Relay A')).slice(0, 4)).to.deep.equal(['SMTP', 'localhost:2525', 'STARTTLS', 'PLAIN · bob']);
      expect((await cells('Relay B')).slice(0, 4)).to.deep.equal(['SMTP', 'localhost:25', 'none', 'none']);
      const graph = alternative('microsoft365')['x-envoi'].summary;
      expect((await cells('Graph C')).slice(0, 4)).to.deep.equal([graph.provider, graph.server, graph.transport[0].text, graph.signin]);
      expect(await page.getByRole('row', { name: /Graph C/ }).getByRole('cell').nth(2).locator('span').getAttribute('title')).to.equal(graph.transport[0].title);

      await page.getByRole('row', { name: /Relay A/ }).getByRole('button', { name: 'Edit' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit connection “Relay A”' });
      await dialog.waitFor();
      const picker = dialog.getByLabel('Fallback connection');
      const options = await picker.locator('option').allTextContents();
      expect(options[0]).to.equal('None');
      expect(options).to.include.members(['Relay B', 'Graph C']).and.not.include('Relay A');
      await dialog.locator('details.section > summary').click();
      await picker.selectOption({ label: 'Graph C' });
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.waitFor({ state: 'detached' });
      const a = await envoi.api('GET', `/api/v1/scopes/platform/connections/${made['Relay A']}`);
      expect(a.body.fallback).to.deep.equal({ id: made['Graph C'], name: 'Graph C' });
    });
  });
});
