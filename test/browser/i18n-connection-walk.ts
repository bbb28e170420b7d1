// The connection screens' part of the page walk in five languages (issue #17): connections of
// every provider (the list shows each one's summary and warnings), and the connection dialog
// walked through every preset and every provider with its sections opened, SMTP through its
// sign-in methods and port hints, and a saved connection's warnings with their fix.

import crypto from 'node:crypto';
import type { Page } from 'playwright-core';

/** One connection of each provider, and SMTP ones whose settings draw warnings and each summary case. */
export function connectionsOfEveryProvider(): Array<Record<string, unknown>> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sender = (n: string) => ({ name: `Zeta ${n}`, senderEmail: `${n.toLowerCase()}@shop.test` });
  return [
    // Secure on port 587, certificates unchecked: two warnings; STARTTLS-less summary cases.
    { ...sender('Relay'), host: 'smtp.shop.test', port: 587, secure: true, authMethod: 'PLAIN', user: 'relay-user', password: 'relay-password', allowInvalidCertificates: true },
    { ...sender('Plain'), host: 'mx.shop.test', port: 25, authMethod: 'NONE' },
    // A password on Exchange Online: the retirement warning and its fix.
    { ...sender('Exchange'), host: 'smtp.office365.com', port: 587, authMethod: 'LOGIN', userSameAsSender: true, password: 'basic-password' },
    { ...sender('Starttls'), host: 'mail.shop.test', port: 587, requireTLS: true, authMethod: 'PLAIN', user: 'mailer', password: 'mailer-password' },
    { ...sender('Google'), provider: 'google', serviceAccountKey: { type: 'service_account', client_email: 'envoi@shop.iam.gserviceaccount.com', client_id: '1234567890', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } },
    { ...sender('Graph'), provider: 'microsoft365', tenantId: 'contoso.onmicrosoft.com', clientId: '0b5f6a1c-2d3e-4f50-8a9b-0c1d2e3f4a5b', clientSecret: 'graph-secret' },
    { ...sender('Postmark'), provider: 'postmark', serverToken: '0b5f6a1c-2d3e-4f50-8a9b-0c1d2e3f4a5b' },
    { ...sender('Resend'), provider: 'resend', apiKey: 're_1234567890' },
    { ...sender('Sendgrid'), provider: 'sendgrid', apiKey: 'SG.1234567890' },
    { ...sender('Mailgun'), provider: 'mailgun', domain: 'mg.shop.test', region: 'eu', apiKey: 'key-1234567890' },
    { ...sender('Ses'), provider: 'ses', region: 'eu-west-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'ses-secret' },
  ];
}

/** Opens every collapsed section of the open dialog. */
const openSections = (page: Page) => page.locator('dialog[open] details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));

const values = (page: Page, select: string) => page.locator(`dialog[open] ${select} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));

/** The add dialog through every preset and provider, then the edit dialog of a warned connection and its fix. */
export async function walkConnectionDialogs(page: Page, look: (screen: string) => Promise<void>): Promise<void> {
  await page.locator('#panel-connections .toolbar .btn.primary').click();
  await page.locator('dialog[open] .conn-form').waitFor();
  const preset = page.locator('dialog[open] .field.preset select');
  for (const id of await values(page, '.field.preset select')) {
    await preset.selectOption(id);
    await openSections(page);
    await look(`add-connection dialog, preset ${id}`);
  }
  const provider = page.locator('dialog[open] select[name=provider]');
  for (const key of await values(page, 'select[name=provider]')) {
    await provider.selectOption(key);
    await openSections(page);
    await look(`add-connection dialog, provider ${key}`);
    if (key !== 'smtp') continue;
    // Each sign-in method shows its own fields; each port its own hint.
    const auth = page.locator('dialog[open] select[name=authMethod]');
    for (const method of ['XOAUTH2', 'NONE', 'LOGIN']) {
      await auth.selectOption(method);
      await look(`add-connection dialog, SMTP with ${method}`);
    }
    const port = page.locator('dialog[open] .section[data-section=server] input[name=port]');
    const secure = page.locator('dialog[open] .section[data-section=server] input[name=secure]');
    for (const [p, on] of [['465', false], ['465', true], ['2525', true], ['25', true], ['25', false]] as const) {
      await port.fill(p);
      await secure.setChecked(on);
      await look(`add-connection dialog, SMTP port ${p}, Secure ${on ? 'on' : 'off'}`);
    }
  }
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });

  // A warned connection's edit dialog: its warnings, then its fix applied.
  await page.locator('tr[data-connection-id]', { hasText: 'Zeta Exchange' }).locator('.row-actions button').first().click();
  await page.locator('dialog[open] .callout.warn button.fix').waitFor();
  await openSections(page);
  await look('edit dialog with warnings');
  await page.locator('dialog[open] .callout.warn button.fix').click();
  await page.locator('dialog[open] .callout.warn .fixed').waitFor();
  await look('edit dialog with a fix applied');
  await page.keyboard.press('Escape');
}
