import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Context } from 'mocha';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../connector/config.js';
import { createLogger } from '../../connector/log.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { skipUnlessCI } from '../support/env.js';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = process.env.ENVOI_CHROMIUM ?? '/usr/bin/chromium';

/** Starts one browser for a test file, or skips the file (fails under CI=true) without Chromium. */
export async function launchBrowser(ctx: Context): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) skipUnlessCI(ctx, `browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Script errors, CSP violations and other console errors seen so far. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  /** Asserts the page loaded nothing from elsewhere and had no script or CSP errors. */
  check(): void;
  close(): Promise<void>;
}

/** Options of a test page: dark mode, and the browser's language (English, en-US, unless told). */
export interface PageOptions {
  dark?: boolean;
  locale?: string;
}

/** A fresh context (own sessionStorage) at 1280×800; requests anywhere but `origin` are refused. */
export async function openPage(browser: Browser, origin: string, options: PageOptions = {}): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: options.dark ? 'dark' : 'light', locale: options.locale ?? 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || /^(data|blob|about):/.test(url)) return route.continue();
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // An API answering 4xx is logged by Chrome as a failed resource; the page shows those itself.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    requests,
    check() {
      expect(errors, 'no script, CSP or console errors').to.deep.equal([]);
      const foreign = requests.filter((u) => !u.startsWith(origin) && !/^(data|blob|about):/.test(u));
      expect(foreign, 'the page loads nothing from elsewhere').to.deep.equal([]);
    },
    close: () => context.close(),
  };
}

/**
 * The visible field labelled `label` in the connection dialog: a name two providers share (apiKey,
 * region, clientId) has one field per provider, hidden but for the chosen one's; a required
 * field's label ends with " *".
 */
export function visibleField(dialog: Locator, label: string): Locator {
  return dialog.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`)).filter({ visible: true });
}

/** Signs in through the sign-in form and waits for the tabs, in whatever language the page speaks. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.locator('#api-key').fill(key);
  await page.locator('#signin-form button[type=submit]').click();
  await page.getByRole('tablist').waitFor();
}

/**
 * Opens a page (see `openPage`), runs `body` with it, then `check()`s it; the page is closed however that ends.
 * Anything to tidy from `errors` before the check belongs at the end of `body`.
 */
export async function withPage<T>(browser: Browser, origin: string, body: (p: OpenPage) => Promise<T>, options: PageOptions = {}): Promise<T> {
  const p = await openPage(browser, origin, options);
  try {
    const result = await body(p);
    p.check();
    return result;
  } finally {
    await p.close();
  }
}

/** `withPage`, signed in with `key` (see `signIn`) before `body` runs. */
export async function withSignedInPage<T>(browser: Browser, origin: string, key: string, body: (p: OpenPage) => Promise<T>, options: PageOptions = {}): Promise<T> {
  return withPage(
    browser,
    origin,
    async (p) => {
      await signIn(p.page, origin, key);
      return body(p);
    },
    options,
  );
}

/** Saves a screenshot into docs/screenshots only when ENVOI_SCREENSHOTS=1 (so `npm test` leaves them alone). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.ENVOI_SCREENSHOTS !== '1') return;
  const dir = path.resolve('docs', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  // The page from its top (dialogs are fixed and keep their own scroll); let rendering settle.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** Envoi in demo mode (capture SMTP server, "Local capture" default connection), on 127.0.0.1. */
export async function startDemo(): Promise<{ server: RunningServer; url: string; adminKey: string; dataDir: string; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-demo-'));
  const adminKey = `test-admin-${crypto.randomBytes(12).toString('hex')}`;
  const config = loadConfig({ ENVOI_DATA_DIR: dataDir }, { port: 0, adminKey });
  const server = await startServer(config, { demo: true, logger: createLogger({ level: 'error', write: () => {} }) });
  return {
    server,
    url: server.url,
    adminKey,
    dataDir,
    async stop() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
