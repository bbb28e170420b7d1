// The API keys tab (platform admins only): every key (prefix, role, scope, label, last use),
// create one — the key is shown this once, with a Copy button — and revoke one. The key the page
// is signed in with cannot be revoked from here (that would sign the page out mid-click).

import { api, type KeyRecord, type Role } from './api.js';
import { errorView } from './error-view.js';
import { copyable } from './copy.js';
import { announce, busy, confirmDialog, dataTable, fill, h, openDialog, time, uid } from './dom.js';
import { t } from './i18n/index.js';
import { SCOPE_PATTERN, state } from './state.js';
import type { Tab } from './tabs.js';

const ROLES: Role[] = ['admin', 'builder', 'runtime'];
/** A scope as people read it: the platform in the page's language, a tenant by its name. */
const scopeName = (scope: string): string => (scope === 'platform' ? t('who.platform') : scope);

function field(label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLElement {
  control.id = uid('key');
  if (hint) control.setAttribute('aria-describedby', `${control.id}-hint`);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('p', { class: 'small muted', id: `${control.id}-hint` }, hint) : null);
}

/** The new key, shown once: the admin copies it now or creates another. */
function shownOnce(k: KeyRecord & { key: string }): void {
  const d = openDialog(t('keys.createdTitle'), [
    h('p', {}, t('keys.createdIntro', { role: t(`role.${k.role}`), scope: scopeName(k.scope) })),
    copyable(t('keys.theKey'), k.key),
    h('p', { class: 'callout warn' }, t('keys.onlyOnce')),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', onclick: () => d.close() }, t('keys.done'))),
  ]);
  d.dialog.querySelector<HTMLButtonElement>('.copyable button')?.focus();
}

export function apiKeysTab(): Tab {
  const role = h('select', {}, ...ROLES.map((r) => h('option', { value: r }, t(`role.${r}`))));
  const scope = h('input', { type: 'text', required: true, maxlength: 63, spellcheck: 'false', autocomplete: 'off' });
  const label = h('input', { type: 'text', maxlength: 200, autocomplete: 'off' });
  const createBtn = h('button', { type: 'submit', class: 'btn primary' }, t('keys.create'));
  const form = h('form', { class: 'card inline-form', novalidate: true, 'aria-label': t('keys.create') },
    field(t('keys.role'), role), field(t('keys.scope'), scope, t('keys.scopeHint')), field(t('keys.label'), label), h('div', { class: 'actions' }, createBtn));
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable(t('keys.caption'), [t('keys.col.prefix'), t('keys.role'), t('keys.scope'), t('keys.label'), t('keys.col.created'), t('keys.col.lastUsed'), t('common.actions')]);
  const panel = h('div', {}, h('div', { class: 'toolbar' }, h('h2', {}, t('keys.title'))), h('p', { class: 'muted' }, t('keys.intro')), form, notice, h('div', { class: 'table-wrap' }, table));

  function row(k: KeyRecord): HTMLTableRowElement {
    const mine = k.id === state.me?.keyId;
    const revoke = mine ? null : h('button', { type: 'button', class: 'btn small danger', 'aria-label': t('keys.revokeLabel', { prefix: k.prefix }) }, t('keys.revoke'));
    revoke?.addEventListener('click', async () => {
      // Asked first: the button is busy only while the API works, not while the admin decides.
      if (!(await confirmDialog(t('keys.revokeTitle'), t('keys.revokeConfirm', { prefix: k.prefix }), t('keys.revoke')))) return;
      await busy(revoke, async () => {
        try {
          await api('DELETE', `/keys/${encodeURIComponent(k.id)}`);
          announce(t('keys.revoked', { prefix: k.prefix }), 'ok');
          await load();
        } catch (e) {
          notice.replaceChildren(errorView(e));
        }
      });
    });
    return h(
      'tr',
      { 'data-key-id': k.id },
      h('th', { scope: 'row' }, h('code', {}, `${k.prefix}…`)),
      h('td', {}, t(`role.${k.role}`)),
      h('td', { 'data-scope': k.scope }, scopeName(k.scope)),
      h('td', {}, k.label ?? '—'),
      h('td', { class: 'small' }, time(k.createdAt)),
      h('td', { class: 'small' }, k.lastUsedAt ? time(k.lastUsedAt) : t('keys.never')),
      h('td', {}, revoke ?? h('span', { class: 'small muted' }, t('keys.thisKey'))),
    );
  }

  async function load(): Promise<void> {
    try {
      const r = await api<{ items: KeyRecord[] }>('GET', '/keys');
      fill(tbody, ...r.items.map(row));
    } catch (e) {
      notice.replaceChildren(errorView(e));
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(createBtn, async () => {
      notice.replaceChildren();
      const s = scope.value.trim();
      if (!SCOPE_PATTERN.test(s)) {
        scope.setAttribute('aria-invalid', 'true');
        scope.focus();
        notice.replaceChildren(h('p', { class: 'err-text' }, t('keys.badScope')));
        return;
      }
      scope.removeAttribute('aria-invalid');
      try {
        const created = await api<KeyRecord & { key: string }>('POST', '/keys', { role: role.value, scope: s, ...(label.value.trim() ? { label: label.value.trim() } : {}) });
        label.value = '';
        shownOnce(created);
        await load();
      } catch (e) {
        notice.replaceChildren(errorView(e));
      }
    });
  });

  return { id: 'keys', label: t('keys.tab'), panel, show: () => { scope.value ||= state.scope; return load(); } };
}
