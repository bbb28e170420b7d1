import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, pageWidth, PopulatedEnvoi, SCREENS, type Screen } from './a11y-fixture.js';
import { launchBrowser, signIn, withPage } from './support.js';

/** Opens `screen` on `page` (signing in first when it needs it and the page is not signed in). */
async function show(page: Page, env: PopulatedEnvoi, screen: Screen): Promise<void> {
  if (screen.name === 'sign-in') {
    await page.goto(env.envoi.url);
  } else if (!(await page.locator('#workspace:not([hidden])').count())) {
    await signIn(page, env.envoi.url, env.envoi.adminKey);
  }
  await screen.open(page);
}

/** Closes an open dialog with Escape and waits for it to go. */
async function closeDialog(page: Page): Promise<void> {
  if (!(await page.locator('dialog[open]').count())) return;
  await page.keyboard.press('Escape');
  await page.locator('dialog').waitFor({ state: 'detached' });
}

describe('admin page: small screens and accessibility (browser)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let env: PopulatedEnvoi;

  before(async function () {
    browser = await launchBrowser(this);
    env = await new PopulatedEnvoi().start();
  });
  after(async () => {
    await browser?.close();
    await env?.stop();
  });

  const screens = () => SCREENS.filter((s) => !s.needsDns || env.dns);

  for (const { width, dark } of [{ width: 375, dark: false }, { width: 375, dark: true }, { width: 1280, dark: false }]) {
    it(`at ${width}×800${dark ? ' in dark mode' : ''}, no screen scrolls sideways and axe-core finds nothing serious or critical`, async () => {
      await withPage(
        browser,
        env.envoi.url,
        async ({ page }) => {
          await page.setViewportSize({ width, height: 800 });
          const problems: string[] = [];
          for (const screen of screens()) {
            await show(page, env, screen);
            const w = await pageWidth(page);
            if (w.scroll > width) problems.push(`${screen.name}: the page is ${w.scroll} px wide (${w.widest})`);
            const inDialog = await page.evaluate(() => {
              const d = document.querySelector('dialog[open]');
              return d ? { scroll: d.scrollWidth, client: d.clientWidth } : null;
            });
            if (inDialog && inDialog.scroll > inDialog.client) problems.push(`${screen.name}: the dialog scrolls sideways (${inDialog.scroll} > ${inDialog.client})`);
            for (const v of await axeViolations(page)) problems.push(`${screen.name}: ${v}`);
            await closeDialog(page);
          }
          expect(problems).to.deep.equal([]);
        },
        { dark },
      );
    });
  }

  it('at 375 px a table row reads as a card: each cell is headed by its column', async () => {
    await withPage(browser, env.envoi.url, async ({ page }) => {
      await page.setViewportSize({ width: 375, height: 800 });
      await show(page, env, SCREENS.find((s) => s.name === 'deliveries')!);
      const row = page.locator(`tr[data-delivery-id="${env.deliveryId}"]`);
      const subject = row.locator('[data-label="Subject"]');
      expect(await subject.textContent()).to.contain('Invoice 42');
      // The column's name is drawn above the value, and the header row is out of sight.
      expect(await subject.evaluate((td) => getComputedStyle(td, '::before').content)).to.equal('"Subject"');
      expect(await page.locator('#panel-deliveries table.data thead').evaluate((t) => t.getBoundingClientRect().height)).to.be.at.most(1);
      const box = (await row.boundingBox())!;
      expect(box.x).to.be.at.least(0);
      expect(box.x + box.width).to.be.at.most(375);
    });
  });

  it('by keyboard alone: sign in, move through the tabs with the arrow keys, open and close the add-connection dialog with focus trapped and returned', async () => {
    await withPage(browser, env.envoi.url, async ({ page }) => {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(env.envoi.url);
      await page.locator('#signin-form').waitFor();
      const focused = () => page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        return { id: a?.id ?? '', text: (a?.textContent ?? '').trim(), tag: a?.tagName.toLowerCase() ?? '', inDialog: !!a?.closest('dialog') };
      });
      // The skip link comes first and shows when focused.
      expect((await focused()).id, 'the key field has focus').to.equal('api-key');
      // Before it: the language switcher in the top bar, then the skip link, first of all.
      await page.keyboard.press('Shift+Tab');
      expect((await focused()).id, 'the language switcher').to.equal('language');
      await page.keyboard.press('Shift+Tab');
      expect((await focused()).text).to.equal('Skip to content');
      const skip = (await page.locator('a.skip').boundingBox())!;
      expect(skip.x).to.be.at.least(0);
      await page.keyboard.press('Tab');
      expect((await focused()).id).to.equal('language');
      await page.keyboard.press('Tab');
      expect((await focused()).id).to.equal('api-key');
      await page.keyboard.type(env.envoi.adminKey);
      await page.keyboard.press('Enter');
      await page.getByRole('tablist', { name: 'Sections' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'tab-connections');

      const tabIds = await page.locator('[role=tab]').evaluateAll((els) => els.map((e) => e.id));
      for (const id of tabIds.slice(1)) {
        await page.keyboard.press('ArrowRight');
        expect((await focused()).id).to.equal(id);
        expect(await page.locator(`#${id}`).getAttribute('aria-selected')).to.equal('true');
      }
      await page.keyboard.press('ArrowRight');
      expect((await focused()).id).to.equal(tabIds[0]);
      await page.keyboard.press('End');
      expect((await focused()).id).to.equal(tabIds.at(-1));
      await page.keyboard.press('Home');
      expect((await focused()).id).to.equal('tab-connections');
      await page.locator('#panel-connections [data-connection-id]').waitFor();

      // Tab from the tab list reaches the panel, then its Add connection button.
      let reached = false;
      for (let i = 0; i < 10 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = (await focused()).text === 'Add connection';
      }
      expect(reached, 'Tab reaches Add connection').to.equal(true);
      await page.keyboard.press('Enter');
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor();
      expect((await focused()).inDialog, 'focus moves into the dialog').to.equal(true);
      // Tab cycles inside the dialog, forwards and backwards, however many times it is pressed.
      const count = await dialog.evaluate((d) => d.querySelectorAll('button, input, select, textarea, a[href], summary').length);
      for (let i = 0; i < count + 3; i++) {
        await page.keyboard.press('Tab');
        expect((await focused()).inDialog, `Tab ${i + 1} stays in the dialog`).to.equal(true);
      }
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Shift+Tab');
        expect((await focused()).inDialog, `Shift+Tab ${i + 1} stays in the dialog`).to.equal(true);
      }
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect((await focused()).text, 'focus returns to the button that opened the dialog').to.equal('Add connection');
    });
  });

  it('Tab reaches every control of every screen, in the order shown', async () => {
    await withPage(browser, env.envoi.url, async ({ page }) => {
      await page.setViewportSize({ width: 375, height: 800 });
      const problems: string[] = [];
      for (const screen of screens().filter((s) => s.name !== 'sign-in')) {
        await show(page, env, screen);
        // From the selected tab (or the dialog's first control) forward through the panel or dialog.
        const walk = await page.evaluate(() => {
          const dialog = document.querySelector('dialog[open]');
          const root = dialog ?? document.querySelector('[role=tabpanel]:not([hidden])')!;
          // Inside a closed <details> only its summary is reachable.
          const hiddenInDetails = (e: Element) => {
            const closed = e.closest('details:not([open])');
            return !!closed && !(e.tagName === 'SUMMARY' && e.parentElement === closed);
          };
          // A mail's frame is skipped by Tab when the mail has no link or field of its own.
          const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
          const expected = [...root.querySelectorAll<HTMLElement>(sel)].filter((e) => e.tabIndex >= 0 && e.getClientRects().length > 0 && !(e instanceof HTMLInputElement && e.type === 'radio' && !e.checked) && !hiddenInDetails(e));
          expected.forEach((e, i) => e.setAttribute('data-walk', String(i)));
          return { count: expected.length, start: dialog ? 'dialog' : 'tab', frame: !!root.querySelector('iframe'), names: expected.map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${e.className.split(' ')[0]}` : ''}`) };
        });
        if (walk.start === 'tab') await page.locator('[role=tab][aria-selected=true]').focus();
        else await page.locator('dialog[open] [data-walk="0"]').focus();
        const seen: string[] = [];
        // Presses to spare: a date field takes one Tab stop per part (day, month, year), and a mail's
        // preview frame, once loaded, may take stops of its own.
        for (let i = 0; i < walk.count * 3 + 6; i++) {
          const at = await page.evaluate(() => document.activeElement?.getAttribute('data-walk') ?? null);
          if (at !== null && !seen.includes(at)) seen.push(at);
          await page.keyboard.press('Tab');
        }
        const expected = Array.from({ length: walk.count }, (_, i) => String(i));
        // A mail's preview frame takes Tab stops of its own once loaded, and Chromium may come back
        // from it to the control after it first: on such a screen every control must be reached,
        // in any order.
        const reachedAll = walk.frame ? expected.every((i) => seen.includes(i)) : JSON.stringify(seen) === JSON.stringify(expected);
        if (!reachedAll) problems.push(`${screen.name}: Tab missed ${expected.filter((i) => !seen.includes(i)).map((i) => walk.names[+i]).join(', ')} (reached ${seen.join(',')} of 0..${walk.count - 1})`);
        await page.evaluate(() => document.querySelectorAll('[data-walk]').forEach((e) => e.removeAttribute('data-walk')));
        await closeDialog(page);
      }
      expect(problems).to.deep.equal([]);
    });
  });

  for (const dark of [false, true]) {
    it(`focus is visible on tabs, buttons, fields and links${dark ? ' in dark mode' : ''}`, async () => {
      await withPage(
        browser,
        env.envoi.url,
        async ({ page }) => {
          await page.setViewportSize({ width: 375, height: 800 });
          await show(page, env, SCREENS.find((s) => s.name === 'connection-dialog')!);
          const ring = () =>
            page.evaluate(() => {
              const a = document.activeElement as HTMLElement;
              const s = getComputedStyle(a);
              return { matches: a.matches(':focus-visible'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? `${s.outlineWidth} ${s.outlineColor}` : '', shadow: s.boxShadow === 'none' ? '' : s.boxShadow, tag: a.tagName };
            });
          const rings: Array<Awaited<ReturnType<typeof ring>>> = [];
          // A field and a button in the dialog, reached by keyboard.
          await page.keyboard.press('Tab');
          rings.push(await ring());
          await page.keyboard.press('Shift+Tab');
          rings.push(await ring());
          await closeDialog(page);
          rings.push(await ring()); // the Add connection button, focused again
          await page.locator('[role=tab][aria-selected=true]').focus();
          await page.keyboard.press('ArrowRight');
          rings.push(await ring());
          for (const r of rings) {
            expect(r.matches, `${r.tag} matches :focus-visible`).to.equal(true);
            expect(r.outline || r.shadow, `${r.tag} shows a focus ring`).to.not.equal('');
          }
        },
        { dark },
      );
    });
  }
});
