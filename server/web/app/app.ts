// The admin page's shell: sign-in with an API key (kept in sessionStorage only), the key's role
// and scope, the scope picker for platform keys, sign-out, and the tabs. Mounted in a host app
// whose own sign-in covers the API, there is no key: the page enters as the host's user.

import { api, ApiError, forgetCache, session, whenUnauthorized, type WhoAmI } from './api.js';
import { connectionsTab } from './connections.js';
import { deliveriesTab } from './deliveries.js';
import { announce, badge, clearBanner, h, speak, uid } from './dom.js';
import { errorSentence, errorWords } from './error-view.js';
import { mailboxTab } from './mailbox.js';
import { can, SCOPE_PATTERN, state } from './state.js';
import type { Tab } from './tabs.js';
import { labelTableCells } from './table-labels.js';
import { templatesTab } from './templates.js';
import { apiKeysTab } from './api-keys.js';
import { suppressionsTab } from './suppressions.js';
import { dkimTab } from './dkim.js';
import { t } from './i18n/index.js';
import { startLanguage } from './shell-i18n.js';
import { tryActionTab } from './try-action.js';
import { webhooksTab } from './webhooks.js';

labelTableCells();

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const signinSection = $('signin');
const signinForm = $<HTMLFormElement>('signin-form');
const keyInput = $<HTMLInputElement>('api-key');
const keyError = $('api-key-err');
const workspace = $('workspace');
const who = $('who');
const tablist = $('tabs');
const panels = $('panels');

/** True when the host app's sign-in covers the API (whoami answered without a key). */
let hostSignIn = false;

let tabs: Array<{ tab: Tab; button: HTMLButtonElement; panel: HTMLElement }> = [];

function showSignin(message?: string, hint?: string | null) {
  state.me = null;
  forgetCache();
  workspace.hidden = true;
  who.hidden = true;
  who.replaceChildren();
  tablist.replaceChildren();
  panels.replaceChildren();
  tabs = [];
  signinSection.hidden = false;
  if (message) announce(message, 'info', hint);
  keyInput.focus();
}

function setKeyError(message: string | null) {
  keyError.textContent = message ?? '';
  keyError.hidden = !message;
  if (message) {
    keyInput.setAttribute('aria-invalid', 'true');
    keyInput.setAttribute('aria-describedby', 'api-key-help api-key-err');
  } else {
    keyInput.removeAttribute('aria-invalid');
    keyInput.setAttribute('aria-describedby', 'api-key-help');
  }
}

signinForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const key = keyInput.value.trim();
  if (!key) {
    setKeyError(t('signin.pasteKey'));
    keyInput.focus();
    return;
  }
  const button = signinForm.querySelector('button[type=submit]') as HTMLButtonElement;
  button.disabled = true;
  try {
    const me = await api<WhoAmI>('GET', '/whoami', undefined, key);
    session.setKey(key);
    keyInput.value = '';
    setKeyError(null);
    clearBanner();
    await enter(me);
  } catch (e) {
    setKeyError(errorSentence(e));
    speak(errorSentence(e));
    keyInput.focus();
  } finally {
    button.disabled = false;
  }
});

function signOut() {
  session.clear();
  showSignin(t('signin.signedOut'));
}

whenUnauthorized((err) => {
  session.clear();
  if (hostSignIn) return announce(t('signin.noLonger'), 'error', errorWords(err).hint);
  showSignin(t('signin.keyRefused'), errorWords(err).hint);
});

/** The header: the key's label, role and scope, the scope picker, sign-out. */
function renderWho(me: WhoAmI) {
  who.replaceChildren();
  who.hidden = false;
  const name = me.label ?? (hostSignIn ? me.keyId : me.keyId.startsWith('env:') ? me.keyId.slice(4) : t('who.keyShort', { id: me.keyId.slice(0, 8) }));
  const identity = h(
    'span',
    { class: 'identity' },
    // Said to screen readers; on screen the name, role and sign-out say it (the top bar keeps to one line).
    h('span', { class: 'visually-hidden' }, t('who.signedIn')),
    // A long label is cut short on screen; the title keeps it whole.
    h('strong', { title: hostSignIn ? name : `${name} · ${t('who.keyId', { id: me.keyId })}` }, name),
    ' ',
    badge(t(`role.${me.role}`), 'role', t('who.role', { role: t(`role.${me.role}`) })),
    ' ',
    h('span', { class: 'muted' }, me.scope === 'platform' ? (hostSignIn ? t('who.platform') : t('who.platformKey')) : hostSignIn ? t('who.tenant') : t('who.tenantKey')),
    me.scope === 'platform' ? null : h('code', { class: 'key-scope' }, me.scope),
  );
  who.append(identity);
  if (can.pickScope()) {
    const id = uid('scope');
    const input = h('input', { id, type: 'text', value: state.scope, size: 14, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-help`, list: `${id}-list` });
    const err = h('span', { class: 'field-error inline-error', id: `${id}-err`, hidden: true });
    const form = h(
      'form',
      { class: 'scope-picker', novalidate: true },
      h('label', { for: id }, t('who.scope')),
      input,
      h('datalist', { id: `${id}-list` }, h('option', { value: 'platform' })),
      h('button', { type: 'submit', class: 'btn small' }, t('who.switch')),
      h('span', { id: `${id}-help`, class: 'visually-hidden' }, t('who.scopeHelp')),
      err,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const scope = input.value.trim();
      if (!SCOPE_PATTERN.test(scope)) {
        err.textContent = t('who.scopeInvalid');
        err.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', `${id}-help ${id}-err`);
        announce(t('who.scopeInvalidShort'), 'error', err.textContent);
        input.focus();
        return;
      }
      err.hidden = true;
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', `${id}-help`);
      state.scope = scope;
      session.setScope(scope);
      announce(t('who.scopeNow', { scope }), 'info');
      void current()?.tab.show();
    });
    who.append(form);
  } else {
    who.append(h('span', { class: 'scope-fixed' }, h('span', { class: 'muted' }, t('who.scopeFixed')), h('strong', {}, me.scope)));
  }
  // Under a host's sign-in, signing out is the host's business.
  if (!hostSignIn) who.append(h('button', { type: 'button', class: 'btn small', onclick: signOut }, t('who.signOut')));
}

const current = () => tabs.find((t) => t.button.getAttribute('aria-selected') === 'true');

function select(id: string, focus = false) {
  const target = tabs.find((t) => t.tab.id === id) ?? tabs[0];
  if (!target) return;
  if (current() && current() !== target) clearBanner();
  for (const t of tabs) {
    const on = t === target;
    t.button.setAttribute('aria-selected', String(on));
    t.button.tabIndex = on ? 0 : -1;
    t.panel.hidden = !on;
  }
  if (focus) target.button.focus();
  if (location.hash !== `#${target.tab.id}`) history.replaceState(null, '', `#${target.tab.id}`);
  void target.tab.show();
}

/** Builds the tabs the key's role may use and opens the one in the URL (or the first). */
async function enter(me: WhoAmI, focusTab = true) {
  state.me = me;
  state.scope = me.scope === 'platform' ? (session.scope() ?? 'platform') : me.scope;
  state.demo = false;
  if (me.role !== 'runtime') {
    try {
      state.demo = (await api<{ enabled: boolean }>('GET', '/demo')).enabled;
    } catch {
      state.demo = false;
    }
  }
  renderWho(me);
  const list: Tab[] = [];
  if (can.viewConnections()) list.push(connectionsTab());
  if (can.viewDeliveries()) list.push(deliveriesTab());
  if (can.viewSuppressions()) list.push(suppressionsTab());
  if (can.deliverability()) list.push(dkimTab());
  if (can.tryActions()) list.push(tryActionTab());
  if (can.tryActions()) list.push(templatesTab());
  if (can.manageWebhooks()) list.push(webhooksTab());
  if (can.mailbox()) list.push(mailboxTab());
  if (can.manageKeys()) list.push(apiKeysTab());
  tablist.replaceChildren();
  panels.replaceChildren();
  tabs = list.map((tab) => {
    const button = h('button', { type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}`, 'aria-selected': 'false', tabindex: -1 }, tab.label);
    const panel = h('section', { role: 'tabpanel', id: `panel-${tab.id}`, 'aria-labelledby': `tab-${tab.id}`, tabindex: 0, hidden: true, class: 'panel' }, tab.panel);
    button.addEventListener('click', () => select(tab.id));
    tablist.append(button);
    panels.append(panel);
    return { tab, button, panel };
  });
  signinSection.hidden = true;
  workspace.hidden = false;
  if (!tabs.length) {
    panels.append(h('p', { class: 'empty' }, t('shell.noScreen')));
    return;
  }
  select(location.hash.slice(1));
  if (focusTab) current()?.button.focus();
}

// Arrow keys move between tabs (the tablist is one tab stop).
tablist.addEventListener('keydown', (ev) => {
  const i = tabs.findIndex((t) => t.button === document.activeElement);
  if (i < 0) return;
  let next: number | undefined;
  if (ev.key === 'ArrowRight') next = (i + 1) % tabs.length;
  else if (ev.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
  else if (ev.key === 'Home') next = 0;
  else if (ev.key === 'End') next = tabs.length - 1;
  if (next === undefined) return;
  ev.preventDefault();
  select(tabs[next]!.tab.id, true);
});

window.addEventListener('hashchange', () => {
  if (state.me && location.hash.slice(1) !== current()?.tab.id) select(location.hash.slice(1));
});

// A language switch draws the signed-in page again, on the same tab and scope; the connection
// form's texts and the presets are fetched again, in the new language (the server says them).
startLanguage(() => {
  forgetCache();
  if (state.me) void enter(state.me, false);
});

// Start: a key kept in this tab signs in again after a reload; without one, the host's sign-in
// may cover the page (whoami answers without a key), else the key screen shows.
(async () => {
  const key = session.key();
  if (!key) {
    try {
      const me = await api<WhoAmI>('GET', '/whoami', undefined, null, { probe: true });
      hostSignIn = true;
      return await enter(me);
    } catch {
      return showSignin();
    }
  }
  try {
    await enter(await api<WhoAmI>('GET', '/whoami'));
  } catch (e) {
    session.clear();
    showSignin(e instanceof ApiError ? errorWords(e).title : t('signin.again'), e instanceof ApiError ? errorWords(e).hint : null);
  }
})();
