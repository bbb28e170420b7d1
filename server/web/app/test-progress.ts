// The connection test's progress and outcome beside its button (the dialog's sticky footer): the
// stage being tried ("Connecting…", then "Signing in…", as the API streams them) and the seconds
// elapsed while it runs, then a one-line outcome, while the full result is scrolled into view.
// Screen readers hear the start and each change of stage in a polite live region (WCAG 4.1.3);
// the ticking seconds are hidden from them, so they are not read out every second.

import type { TestResult } from './api.js';
import { h } from './dom.js';
import { number, t, type Key } from './i18n/index.js';

/** The stages a test reports while it runs (the result names where it ended). */
const RUNNING = ['dns', 'connect', 'tls', 'auth', 'send'];

export interface TestProgress {
  el: HTMLElement;
  start(): void;
  /** The test began this stage. */
  stage(stage: string): void;
  /** The test ended: with its result, or with null (an error, shown in the result area). */
  stop(result: TestResult | null, stageLabel: (stage: string) => string): void;
}

export function testProgress(): TestProgress {
  const live = h('span', { role: 'status', 'aria-live': 'polite' });
  const tick = h('span', { class: 'muted', 'aria-hidden': 'true' });
  const outcome = h('span', { class: 'test-outcome', 'aria-hidden': 'true' });
  const el = h('span', { class: 'test-progress' }, live, ' ', tick, outcome);
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    el,
    start() {
      const began = Date.now();
      live.textContent = t('form.testing');
      outcome.textContent = '';
      outcome.className = 'test-outcome';
      tick.textContent = t('test.elapsed', { count: number(0) });
      clearInterval(timer);
      timer = setInterval(() => {
        if (!el.isConnected) return clearInterval(timer);
        tick.textContent = t('test.elapsed', { count: number(Math.floor((Date.now() - began) / 1000)) });
      }, 1000);
    },
    stage(stage) {
      // Only a change of text is announced; a stage the page has no words for keeps "Testing…".
      const text = RUNNING.includes(stage) ? t(`test.stage.${stage}` as Key) : t('form.testing');
      if (live.textContent !== text) live.textContent = text;
    },
    stop(r, stageLabel) {
      clearInterval(timer);
      live.textContent = '';
      tick.textContent = '';
      if (!r) return;
      outcome.className = `test-outcome ${r.ok ? 'ok' : 'fail'}`;
      outcome.textContent = r.ok ? t('test.outcomeOk') : t('test.outcomeFail', { stage: stageLabel(r.stage) });
    },
  };
}
