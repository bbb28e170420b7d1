// The sandbox settings of the scope being looked at (design.md "Sandbox"): on or off, and the
// addresses and @domains mail still reaches. Under ENVOI_SANDBOX (and demo mode) every scope is a
// sandbox whatever it says, so the page tells that instead of offering a switch that does nothing.

import { api, scoped } from './api.js';
import { errorView } from './error-view.js';
import { announce, busy, h, uid } from './dom.js';
import { state } from './state.js';
import { t } from './i18n/index.js';

interface Settings {
  sandbox: { enabled: boolean; allow: string[] };
  instanceSandbox: boolean;
}

/** The settings form; `load()` reads the scope's settings into it. */
export function sandboxSettings(): { element: HTMLElement; load(): Promise<void> } {
  const enabledId = uid('sandbox-enabled');
  const allowId = uid('sandbox-allow');
  const hintId = uid('sandbox-allow-hint');
  const enabled = h('input', { id: enabledId, type: 'checkbox' });
  const allow = h('textarea', { id: allowId, rows: 3, spellcheck: 'false', 'aria-describedby': hintId, placeholder: t('sandbox.placeholder') });
  const save = h('button', { type: 'submit', class: 'btn primary' }, t('common.save'));
  const info = h('p', { class: 'muted' });
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'sandbox-settings', novalidate: true, 'aria-label': t('sandbox.settings') },
    h('p', {}, enabled, ' ', h('label', { for: enabledId, class: 'inline' }, t('sandbox.enable'))),
    h('label', { for: allowId }, t('sandbox.allow')),
    allow,
    h('p', { id: hintId, class: 'small muted' }, t('sandbox.allowHelp')),
    h('div', { class: 'actions' }, save),
  );
  const element = h('div', {}, info, form, notice);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(save, async () => {
      const list = allow.value.split(/[\s,]+/).map((a) => a.trim()).filter(Boolean);
      try {
        await api('PUT', scoped(state.scope, 'settings'), { sandbox: { enabled: enabled.checked, allow: list } });
        notice.replaceChildren();
        announce(t(enabled.checked ? 'sandbox.on' : 'sandbox.off', { scope: state.scope }), 'ok');
      } catch (e) {
        notice.replaceChildren(errorView(e));
      }
    });
  });

  async function load(): Promise<void> {
    try {
      const s = await api<Settings>('GET', scoped(state.scope, 'settings'));
      enabled.checked = s.sandbox.enabled;
      allow.value = s.sandbox.allow.join('\n');
      form.hidden = s.instanceSandbox;
      info.textContent = s.instanceSandbox
        ? t('sandbox.instance', { source: state.demo ? t('sandbox.demo') : 'ENVOI_SANDBOX' })
        : '';
      notice.replaceChildren();
    } catch (e) {
      notice.replaceChildren(errorView(e));
    }
  }

  return { element, load };
}
