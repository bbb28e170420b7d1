// The admin page makes a connection of each API provider from its preset (issue #13): pick the
// preset, see the provider and the preset's note, fill what the preset leaves empty, Test
// connection against the provider's local stand-in, save. Each stand-in checks credentials as its
// service does, so a passing test means the page sent what the provider needs.
import { expect } from 'chai';
import type { Browser, Locator } from 'playwright-core';
import { TestEnvoi } from '../support/harness.js';
import { GoogleStandIn } from '../support/standins/google.js';
import { MailgunStandin } from '../support/standins/mailgun.js';
import { PostmarkStandin } from '../support/standins/postmark.js';
import { ResendStandin } from '../support/standins/resend.js';
import { SendGridStandin } from '../support/standins/sendgrid.js';
import { SesStandIn } from '../support/standins/ses.js';
import { launchBrowser, openPage, signIn, visibleField, type OpenPage } from './support.js';

const C = '/api/v1/scopes/platform/connections';

interface Case {
  preset: string;
  provider: string;
  sender: string;
  /** A phrase of the preset's note, shown under the picker. */
  note: RegExp;
  /** Field label → value: the secret and what the preset leaves empty. */
  fields: () => Record<string, string>;
  /** Settings the saved connection must show (besides provider and hasSecret). */
  saved?: () => Record<string, unknown>;
  /** The stage an ok test ends at: Gmail proves delegation with the token alone ("auth"). */
  stage?: string;
}

describe('admin page: a connection of each API provider from its preset (browser)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let envoi: TestEnvoi;
  let p: OpenPage;
  const google = new GoogleStandIn();
  const ses = new SesStandIn('us-east-1');
  const sendgrid = new SendGridStandin();
  const mailgun = new MailgunStandin();
  const postmark = new PostmarkStandin();
  const resend = new ResendStandin();
  const keys: Record<string, string> = {};

  before(async function () {
    browser = await launchBrowser(this);
    await Promise.all([google.start(), ses.start(), sendgrid.start(), mailgun.start(), postmark.start(), resend.start()]);
    google.users.add('ops@contoso.test');
    keys.google = JSON.stringify(google.addServiceAccount().key);
    ses.account.identities.push('acme.test');
    const sesKey = ses.addKey();
    keys.sesId = sesKey.accessKeyId;
    keys.ses = sesKey.secretAccessKey;
    keys.sendgrid = sendgrid.addKey();
    mailgun.addDomain('mg.acme.test');
    keys.mailgun = mailgun.addPrivateKey();
    keys.postmark = postmark.addServer({ name: 'Acme transactional' }).token;
    postmark.signatures.add('@acme.test');
    keys.resend = resend.addKey().key;
    resend.addDomain('acme.test');
    envoi = await new TestEnvoi({
      overrides: { googleTokenUrl: google.tokenUrl, gmailApiUrl: google.url, sesUrl: ses.url, sendgridUrl: sendgrid.url, mailgunUrl: mailgun.url, postmarkUrl: postmark.url, resendUrl: resend.url },
    }).start();
    p = await openPage(browser, envoi.url);
    await signIn(p.page, envoi.url, envoi.adminKey);
  });

  after(async () => {
    await p?.close();
    await browser?.close();
    await envoi?.stop();
    await Promise.all([google.close(), ses.stop(), sendgrid.stop(), mailgun.stop(), postmark.stop(), resend.stop()]);
  });

  // A failed step leaves its dialog open: close it so the next provider starts from the list.
  afterEach(async () => {
    if (await p.page.locator('dialog[open]').count()) await p.page.keyboard.press('Escape');
  });

  /** Opens Add connection, picks the preset, checks the provider and the note; returns the dialog. */
  async function fromPreset(c: Case, name: string): Promise<Locator> {
    const { page } = p;
    await page.getByRole('button', { name: 'Add connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a connection' });
    await dialog.waitFor();
    await dialog.getByLabel('Start from a preset').selectOption({ label: c.preset });
    expect(await dialog.getByLabel('Provider', { exact: true }).inputValue(), 'the provider picker follows the preset').to.equal(c.provider);
    const note = dialog.locator('.field.preset .callout');
    expect(await note.isVisible()).to.equal(true);
    expect(await note.textContent()).to.contain(`${c.preset}: `).and.match(c.note);
    await dialog.getByLabel('Connection name').fill(name);
    await dialog.getByRole('textbox', { name: 'Sender email', exact: true }).fill(c.sender);
    for (const [label, value] of Object.entries(c.fields())) await visibleField(dialog, label).fill(value);
    return dialog;
  }

  async function testOk(dialog: Locator, stage = 'done'): Promise<void> {
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const ok = dialog.locator('.result-area .result.ok');
    await ok.waitFor();
    expect(await ok.locator('.result-title').textContent()).to.match(new RegExp(`^✓ Connection works — stage: ${stage.replace(/[()]/g, '\\$&')}, \\d+ ms$`));
  }

  async function saveAndCheck(dialog: Locator, c: Case, name: string): Promise<void> {
    await dialog.getByRole('button', { name: 'Save connection' }).click();
    await dialog.waitFor({ state: 'detached' });
    await p.page.locator('#banner').getByText(`Added connection “${name}”.`).waitFor();
    const items = (await envoi.api('GET', C)).body.items as Array<Record<string, unknown>>;
    const saved = items.find((x) => x.name === name);
    expect(saved, name).to.include({ provider: c.provider, senderEmail: c.sender, hasSecret: true, ...c.saved?.() });
    for (const [k, secret] of Object.entries(keys)) if (k !== 'sesId') expect(JSON.stringify(saved)).not.to.include(secret);
  }

  const cases: Case[] = [
    { preset: 'Google Workspace (Gmail API)', provider: 'google', sender: 'ops@contoso.test', note: /Domain-wide delegation/, fields: () => ({ 'Service account key (JSON)': keys.google! }), stage: 'sign-in (AUTH)' },
    {
      preset: 'Amazon SES (API)', provider: 'ses', sender: 'app@acme.test', note: /ses:SendRawEmail/,
      fields: () => ({ 'Access key ID': keys.sesId!, 'Secret access key': keys.ses! }),
      saved: () => ({ region: 'us-east-1', accessKeyId: keys.sesId }),
    },
    {
      preset: 'Mailgun (API, US)', provider: 'mailgun', sender: 'news@mg.acme.test', note: /Sending API key/,
      fields: () => ({ 'Sending domain': 'mg.acme.test', 'API key': keys.mailgun! }),
      saved: () => ({ domain: 'mg.acme.test', region: 'us' }),
    },
    { preset: 'Postmark (API)', provider: 'postmark', sender: 'news@acme.test', note: /Server API token/, fields: () => ({ 'Server API token': keys.postmark! }), saved: () => ({ messageStream: 'outbound' }) },
    { preset: 'Resend (API)', provider: 'resend', sender: 'news@acme.test', note: /API Keys/, fields: () => ({ 'API key': keys.resend! }) },
  ];

  for (const c of cases) {
    it(`${c.preset}: the preset picks ${c.provider}; Test connection passes against the stand-in; the saved connection holds its secret`, async () => {
      const name = `${c.provider} from its preset`;
      const dialog = await fromPreset(c, name);
      await testOk(dialog, c.stage);
      await saveAndCheck(dialog, c, name);
    });
  }

  it('SendGrid (API): a wrong key fails at sign-in with the dashboard hint (at the field too) and never shows the key; the right one passes and saves', async () => {
    const c: Case = { preset: 'SendGrid (API)', provider: 'sendgrid', sender: 'news@acme.test', note: /Mail Send/, fields: () => ({ 'API key': 'SG.wrong-key-0123456789.abcdefghijklmnop' }) };
    const dialog = await fromPreset(c, 'SendGrid from its preset');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const fail = dialog.locator('.result-area .result.fail');
    await fail.waitFor();
    const text = (await fail.textContent()) ?? '';
    expect(text).to.contain('✗ Connection test failed — stage: sign-in (AUTH)').and.contain('AUTH_FAILED');
    expect(await fail.locator('.result-hint').textContent()).to.match(/SendGrid dashboard, Settings → API Keys/);
    expect(text).not.to.contain('SG.wrong-key');
    expect(await p.page.content()).not.to.contain('SG.wrong-key');
    const key = visibleField(dialog, 'API key');
    expect(await key.getAttribute('aria-invalid')).to.equal('true');

    await key.fill(keys.sendgrid!);
    await testOk(dialog);
    expect(await key.getAttribute('aria-invalid')).to.equal(null);
    await saveAndCheck(dialog, c, 'SendGrid from its preset');
    expect(sendgrid.to('/v3/scopes').at(-1)!.headers.authorization).to.equal(`Bearer ${keys.sendgrid}`);
  });

  it('the page loaded nothing from elsewhere and logged no error', () => {
    p.check();
  });
});
