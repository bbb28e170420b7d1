// A populated Envoi for the accessibility and screenshot runs: a connection to a real SMTP sink,
// a delivery through it, a suppression, a DKIM key (with a DNS server to check its domain when
// dnsmasq is installed), a webhook endpoint and a sandboxed mail in the mailbox; and the page's
// screens, each with how to reach it from a signed-in page.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Dnsmasq, dnsmasqBinary } from '../support/dnsmasq.js';
import { smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

export class PopulatedEnvoi {
  envoi!: TestEnvoi;
  sink!: SmtpSink;
  receiver!: WebhookReceiver;
  dns: Dnsmasq | undefined;
  deliveryId = '';

  async start(): Promise<this> {
    const bin = dnsmasqBinary();
    if (bin) this.dns = new Dnsmasq(bin);
    const dnsServers = this.dns ? [await this.dns.reserve()] : undefined;
    this.envoi = await new TestEnvoi(dnsServers ? { overrides: { dnsServers } } : {}).start();
    if (this.dns) await this.dns.publish({ txt: [['shop.test', 'v=spf1 -all'], ['_dmarc.shop.test', 'v=DMARC1; p=reject']], mx: [['shop.test', 'mx.shop.test', 10]] });
    this.sink = await new SmtpSink({ tls: 'none' }).start();
    this.receiver = await new WebhookReceiver().start();
    const ok = (r: { status: number; text: string }, what: string) => expect(r.status, `${what}: ${r.text}`).to.be.within(200, 299);
    const api = this.envoi.api.bind(this.envoi);
    const base = '/api/v1/scopes/platform';
    ok(await api('POST', `${base}/connections`, { ...smtpConnection(this.sink, { name: 'Customer relay', authMethod: 'NONE' }), isDefault: true }), 'connection');
    const sent = await api('POST', `${base}/actions/send-email/execute?wait=10`, { input: { to: 'Ada Lovelace <ada@customer.test>', subject: 'Invoice 42 for your order of the big blue kettle', text: 'Your invoice is attached.' } });
    ok(sent, 'delivery');
    expect(sent.body.status).to.equal('sent');
    this.deliveryId = sent.body.deliveryId;
    ok(await api('POST', `${base}/suppressions`, { email: 'bounced-address-with-a-long-name@customer.test' }), 'suppression');
    ok(await api('POST', `${base}/dkim-keys`, { domain: 'shop.test', selector: 's2026' }), 'DKIM key');
    ok(await api('POST', `${base}/webhooks`, { url: this.receiver.url(), description: 'CRM' }), 'webhook');
    // The sandbox keeps a mail in the mailbox, then goes off again so the other screens send for real.
    ok(await api('PUT', `${base}/settings`, { sandbox: { enabled: true, allow: ['@example.com'] } }), 'sandbox on');
    ok(await api('POST', `${base}/actions/send-email/execute?wait=10`, { input: { to: 'customer@client.test', subject: 'Staging mail', html: '<h1>Hello staging</h1>' } }), 'sandboxed mail');
    ok(await api('PUT', `${base}/settings`, { sandbox: { enabled: false, allow: ['@example.com'] } }), 'sandbox off');
    return this;
  }

  async stop(): Promise<void> {
    await this.envoi?.stop();
    await this.sink?.close();
    await this.receiver?.close();
    await this.dns?.close();
  }
}

export interface Screen {
  name: string;
  /** Brings the screen up on a page that is signed in (all but sign-in) and waits for its content. */
  open(page: Page): Promise<void>;
  /** What a screenshot should show when it is below the fold (else the top of the page). */
  reveal?: string;
  /** Set when the screen needs something this machine may lack. */
  needsDns?: boolean;
}

/** Waits until the page has not changed for 250 ms (a tab reloads its list each time it is shown), 3 s at most. */
export const settle = (page: Page): Promise<void> =>
  page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        let timer = setTimeout(done, 250);
        const cap = setTimeout(done, 3000); // a ticking clock never settles
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, 250);
        });
        function done() {
          clearTimeout(timer);
          clearTimeout(cap);
          observer.disconnect();
          resolve();
        }
        observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
      }),
  );

const tab = async (page: Page, id: string, ready: string) => {
  await page.locator(`#tab-${id}`).click();
  await page.locator(`#panel-${id} ${ready}`).first().waitFor();
  await settle(page);
};

/** Every screen of the page. Names are file names of the screenshots. */
export const SCREENS: Screen[] = [
  { name: 'sign-in', open: async (page) => { await page.locator('#signin-form').waitFor(); } },
  { name: 'connections', open: (page) => tab(page, 'connections', '[data-connection-id]') },
  {
    name: 'connection-dialog',
    open: async (page) => {
      await tab(page, 'connections', 'table');
      await page.locator('#panel-connections button.primary').first().click();
      await page.locator('dialog[open] input').first().waitFor();
      await settle(page);
    },
  },
  { name: 'deliveries', open: (page) => tab(page, 'deliveries', 'tr[data-delivery-id]') },
  {
    name: 'delivery-detail',
    open: async (page) => {
      await tab(page, 'deliveries', 'tr[data-delivery-id]');
      await page.locator('tr[data-delivery-id][data-status="sent"] button').first().click();
      await page.locator('dialog[open] dl').first().waitFor();
      await settle(page);
    },
  },
  { name: 'suppressions', open: (page) => tab(page, 'suppressions', 'table') },
  { name: 'dkim', open: (page) => tab(page, 'dkim', 'tr[data-id]') },
  {
    name: 'domain-check',
    needsDns: true,
    reveal: '#panel-dkim tr[data-kind="dkim"]',
    open: async (page) => {
      await tab(page, 'dkim', 'tr[data-id]');
      await page.locator('#panel-dkim tr[data-id] button[data-action="check-domain"]').click();
      await page.locator('#panel-dkim tr[data-kind="dkim"]').waitFor();
      await settle(page);
    },
  },
  { name: 'webhooks', open: (page) => tab(page, 'webhooks', 'tr[data-endpoint-id]') },
  { name: 'try-an-action', open: (page) => tab(page, 'actions', 'form textarea') },
  { name: 'mailbox', open: (page) => tab(page, 'mailbox', '.mail-item') },
  { name: 'templates', open: (page) => tab(page, 'templates', 'textarea') },
  { name: 'api-keys', open: (page) => tab(page, 'keys', 'form') },
];

const require = createRequire(import.meta.url);

/** Runs axe-core in the page; returns its serious and critical violations, readably. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through DevTools rather than added as a <script>: the page's CSP refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(fs.readFileSync(require.resolve('axe-core'), 'utf8'));
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.replace(/\s+/g, ' ')) }));
  });
  if (process.env.AXE_ALL) console.log(found.map((v) => `${v.impact} ${v.id} ${v.nodes.join(' | ')}`).join('\n'));
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

/** How far the page scrolls sideways: the document's width against the viewport's. */
export const pageWidth = (page: Page): Promise<{ scroll: number; viewport: number; widest: string }> =>
  page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    // The element reaching farthest right, to name in a failure.
    let widest = '';
    let right = vw;
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.visually-hidden, table.data thead')) continue; // clipped to 1 px on purpose
      const r = el.getBoundingClientRect();
      if (r.right > right + 0.5 && r.width > 0) {
        right = r.right;
        widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} right=${Math.round(r.right)}`;
      }
    }
    return { scroll: document.documentElement.scrollWidth, viewport: window.innerWidth, widest };
  });
