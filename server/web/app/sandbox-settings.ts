// The sandbox settings of the scope being looked at (design.md "Sandbox"): on or off, and the
// addresses and @domains mail still reaches. Under ENVOI_SANDBOX (and demo mode) every scope is a
// sandbox whatever it says, so the page tells that instead of offering a switch that does nothing.

import { api, scoped } from './api.js';
import { errorView } from './connection-form.js';
import { announce, busy, h, uid } from './dom.js';
import { state } from './state.js';

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
  const allow = h('textarea', { id: allowId, rows: 3, spellcheck: 'false', 'aria-describedby': hintId, placeholder: 'ada@example.com\n@example.com' });
  const save = h('button', { type: 'submit', class: 'btn primary' }, 'Save');
  const info = h('p', { class: 'muted' });
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'sandbox-settings', novalidate: true, 'aria-label': 'Sandbox settings' },
    h('p', {}, enabled, ' ', h('label', { for: enabledId, class: 'inline' }, 'Sandbox: capture the mail of this scope instead of sending it')),
    h('label', { for: allowId }, 'Allowed recipients (one a line)'),
    allow,
    h('p', { id: hintId, class: 'small muted' }, 'Addresses and @domains mail still reaches while the sandbox is on; every other recipient’s copy lands in the mailbox below.'),
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
        announce(enabled.checked ? `The sandbox of ${state.scope} is on.` : `The sandbox of ${state.scope} is off.`, 'ok');
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
        ? `${state.demo ? 'Demo mode' : 'ENVOI_SANDBOX'}: this whole instance is a sandbox. No mail leaves it; every message is captured here.`
        : '';
      notice.replaceChildren();
    } catch (e) {
      notice.replaceChildren(errorView(e));
    }
  }

  return { element, load };
}
