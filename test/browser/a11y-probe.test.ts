import type { Browser } from 'playwright-core';
import { axeViolations, pageWidth, PopulatedEnvoi, SCREENS } from './a11y-fixture.js';
import { launchBrowser, signIn } from './support.js';

describe('probe', function () {
  this.timeout(300_000);
  let browser: Browser; let env: PopulatedEnvoi;
  before(async function () { browser = await launchBrowser(this); env = await new PopulatedEnvoi().start(); });
  after(async () => { await browser?.close(); await env?.stop(); });
  it('probes', async () => {
    for (const dark of [false, true]) for (const width of [375]) {
      const ctx = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: dark ? 'dark' : 'light' });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.log('pageerror', e.message));
      for (const s of SCREENS) {
        if (s.name === 'sign-in') { await page.goto(env.envoi.url); await s.open(page); }
        else { if (!(await page.locator('#workspace:not([hidden])').count())) await signIn(page, env.envoi.url, env.envoi.adminKey); await page.keyboard.press('Escape'); await s.open(page); }
        const w = await pageWidth(page); const dw = await page.evaluate(() => { const d = document.querySelector('dialog[open]'); return d ? `${d.scrollWidth}/${d.clientWidth}` : ''; });
        const v = await axeViolations(page);
        console.log(`== ${dark ? 'dark' : 'light'} ${width} ${s.name}: scroll ${w.scroll} ${w.widest} dialog ${dw}\n  ${v.join('\n  ')}`);
        await page.keyboard.press('Escape');
      }
      await ctx.close();
    }
  });
});
