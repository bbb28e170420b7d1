// Exchange Online in the admin page (issue #13): the "Exchange Online (SMTP, OAuth)" preset makes an
// XOAUTH2 connection that tests against a real smtp-server accepting only tokens the identity
// stand-in issued; a password connection to smtp.office365.com shows SMTP_BASIC_AUTH_RETIRING,
// whose fix (from the API, not from the page) switches the open form to XOAUTH2.
import { expect } from 'chai';
import type { Browser, Locator } from 'playwright-core';
import { testPki } from '../support/certs.js';
import { GraphStandIn, type App } from '../support/graph-standin.js';
import { TestEnvoi, tableLookup } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser, openPage, signIn, visibleField, type OpenPage } from './support.js';

const C = '/api/v1/scopes/platform/connections';
const MAILBOX = 'mailer@contoso.test';
const FIX = 'Switch to OAuth (XOAUTH2)';

describe('admin page: Exchange Online with OAuth, from its preset and from the retirement warning (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let graph: GraphStandIn;
  let app: App;
  let sink: SmtpSink;
  let envoi: TestEnvoi;
  let p: OpenPage;

  before(async function () {
    browser = await launchBrowser(this);
    graph = await new GraphStandIn().start();
    app = graph.addApp({ exchangeMailboxes: [MAILBOX] });
    sink = await new SmtpSink({ tls: 'starttls', users: { [MAILBOX]: 'basic-password' }, xoauth2: (user, token) => graph.exchangeAccepts(token, user) }).start();
    // smtp.office365.com resolves to loopback, so connections to it pass the network policy offline.
    envoi = await new TestEnvoi({ overrides: { msAuthorityUrl: graph.url }, lookup: tableLookup({ 'smtp.office365.com': ['127.0.0.1'] }) }).start();
    p = await openPage(browser, envoi.url);
    await signIn(p.page, envoi.url, envoi.adminKey);
  });

  after(async () => {
    await p?.close();
    await browser?.close();
    await envoi?.stop();
    await sink?.close();
    await graph?.close();
  });

  afterEach(async () => {
    if (await p.page.locator('dialog[open]').count()) await p.page.keyboard.press('Escape');
  });

  const oauthFields = (dialog: Locator) => ({ tenant: visibleField(dialog, 'Directory (tenant) ID'), client: visibleField(dialog, 'Application (client) ID'), secret: visibleField(dialog, 'Client secret') });
  const fillOAuth = async (dialog: Locator) => {
    const f = oauthFields(dialog);
    await f.tenant.fill(app.tenantId);
    await f.client.fill(app.clientId);
    await f.secret.fill(app.secret);
  };
  const view = async (id: string) => (await envoi.api('GET', `${C}/${id}`)).body;
  const codes = (c: { warnings: Array<{ code: string }> }) => c.warnings.map((w) => w.code);

  it('"Exchange Online (SMTP, OAuth)": SMTP with XOAUTH2 on smtp.office365.com:587; pointed at the local server it tests ok with a token and saves', async () => {
    const { page } = p;
    await page.getByRole('button', { name: 'Add connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a connection' });
    await dialog.getByLabel('Start from a preset').selectOption({ label: 'Exchange Online (SMTP, OAuth)' });
    expect(await dialog.getByLabel('Provider', { exact: true }).inputValue()).to.equal('smtp');
    expect(await dialog.locator('.field.preset .callout').textContent()).to.contain('Exchange Online (SMTP, OAuth): ').and.contain('SMTP.SendAsApp');
    expect(await visibleField(dialog, 'Authentication method').inputValue()).to.equal('XOAUTH2');
    expect(await visibleField(dialog, 'SMTP host').inputValue()).to.equal('smtp.office365.com');
    expect(await visibleField(dialog, 'Port').inputValue()).to.equal('587');
    expect(await dialog.getByLabel('Password', { exact: true }).isVisible(), 'XOAUTH2 needs no password').to.equal(false);

    await dialog.getByLabel('Connection name').fill('Exchange OAuth');
    await dialog.getByRole('textbox', { name: 'Sender email', exact: true }).fill(MAILBOX);
    await fillOAuth(dialog);
    // The stand-in server instead of Microsoft's: loopback, its port, the test CA.
    await visibleField(dialog, 'SMTP host').fill('localhost');
    await visibleField(dialog, 'Port').fill(String(sink.port));
    await dialog.getByText('Advanced: TLS, certificates, rate limit, pool').click();
    await dialog.getByLabel('CA certificate (PEM)').fill(testPki().caCert);

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const ok = dialog.locator('.result-area .result.ok');
    await ok.waitFor();
    expect(await ok.locator('.result-title').textContent()).to.match(/^✓ Connection works — stage: done, \d+ ms$/);
    expect(await ok.textContent()).to.match(/with XOAUTH2/);
    expect(sink.authAttempts.at(-1)).to.deep.equal({ method: 'XOAUTH2', username: MAILBOX, secure: true, ok: true });

    await dialog.getByRole('button', { name: 'Save connection' }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = (await envoi.api('GET', C)).body.items.find((c: { name: string }) => c.name === 'Exchange OAuth');
    expect(saved).to.include({ provider: 'smtp', authMethod: 'XOAUTH2', tenantId: app.tenantId, clientId: app.clientId, userSameAsSender: true, hasSecret: true });
    expect(JSON.stringify(saved)).not.to.include(app.secret);
    expect(await page.content()).not.to.include(app.secret);
  });

  it('a password connection to smtp.office365.com shows the retirement warning; its fix switches the form to XOAUTH2 keeping host, port and user; saved, the warning is gone', async () => {
    const created = await envoi.api('POST', C, { name: 'Exchange basic', host: 'smtp.office365.com', port: 587, authMethod: 'LOGIN', user: MAILBOX, senderEmail: 'alerts@contoso.test', password: 'basic-password' });
    expect(created.status, created.text).to.equal(201);
    const warning = created.body.warnings.find((w: { code: string }) => w.code === 'SMTP_BASIC_AUTH_RETIRING');
    expect(warning.fix).to.deep.equal({ label: FIX, set: { authMethod: 'XOAUTH2' } });

    const { page } = p;
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByRole('row', { name: /Exchange basic/ });
    await row.waitFor();
    expect(await row.locator('.warnings').textContent()).to.contain('MC786329');
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit connection “Exchange basic”' });
    const notice = dialog.locator('.callout.warn');
    expect(await notice.textContent()).to.contain('Warnings for this connection').and.contain('MC786329').and.contain('tenant id, client id and client secret');
    expect(await visibleField(dialog, 'Password').isVisible()).to.equal(true);
    expect(await oauthFields(dialog).tenant.count(), 'no OAuth fields before the switch').to.equal(0);

    await notice.getByRole('button', { name: FIX }).click();
    expect(await dialog.getByLabel('Authentication method').inputValue()).to.equal('XOAUTH2');
    expect(await dialog.getByLabel('SMTP host').inputValue()).to.equal('smtp.office365.com');
    expect(await dialog.getByLabel('Port', { exact: true }).inputValue()).to.equal('587');
    expect(await dialog.getByLabel('User name', { exact: true }).inputValue()).to.equal(MAILBOX);
    expect(await dialog.getByLabel('Password', { exact: true }).isVisible(), 'the password goes away with basic authentication').to.equal(false);
    const f = oauthFields(dialog);
    for (const field of [f.tenant, f.client, f.secret]) expect(await field.isVisible()).to.equal(true);
    // The stored secret is the password: the client secret has nothing stored to keep.
    expect(await f.secret.getAttribute('placeholder'), 'the client secret must be entered').not.to.equal('leave empty to keep');
    expect(await visibleField(dialog, 'Password').count()).to.equal(0);
    expect(await page.evaluate(() => document.activeElement?.id), 'focus moves to the first field the fix revealed').to.equal(await f.tenant.getAttribute('id'));
    expect(await notice.textContent()).to.contain(`${FIX}: applied to the form; save to keep it.`);
    expect(await notice.getByRole('button', { name: FIX }).count()).to.equal(0);

    await fillOAuth(dialog);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = await view(created.body.id);
    expect(saved).to.include({ authMethod: 'XOAUTH2', host: 'smtp.office365.com', port: 587, user: MAILBOX, tenantId: app.tenantId, clientId: app.clientId, hasSecret: true });
    expect(codes(saved)).not.to.include('SMTP_BASIC_AUTH_RETIRING');
    await row.locator('.warnings').waitFor({ state: 'detached' });
  });

  it("the list row offers the warning's fix too: it opens the edit dialog with the fix applied, and nothing changes until it is saved", async () => {
    const created = await envoi.api('POST', C, { name: 'Exchange legacy', host: 'smtp.office365.com', port: 587, authMethod: 'PLAIN', user: MAILBOX, senderEmail: MAILBOX, password: 'basic-password' });
    expect(created.status, created.text).to.equal(201);
    const { page } = p;
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: `${FIX}: Exchange legacy` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit connection “Exchange legacy”' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Authentication method').inputValue()).to.equal('XOAUTH2');
    expect(await oauthFields(dialog).tenant.isVisible()).to.equal(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const after = await view(created.body.id);
    expect(after.authMethod).to.equal('PLAIN');
    expect(codes(after)).to.include('SMTP_BASIC_AUTH_RETIRING');
  });

  it('the page loaded nothing from elsewhere and logged no error', () => {
    p.check();
  });
});
