// The Suppressions tab: the scope's suppression list (addresses Envoi no longer mails: hard
// bounces, complaints, unsubscribes and manual entries), searchable, with "load more"; admins
// add an address and remove one so mail reaches it again.

import { api, scoped, type Suppression } from './api.js';
import { errorSentence, errorView } from './error-view.js';
import { announce, badge, busy, confirmDialog, dataTable, h, time, uid } from './dom.js';
import { can, state } from './state.js';
import { t } from './i18n/index.js';
import type { Tab } from './tabs.js';

const REASONS = ['hard-bounce', 'complaint', 'unsubscribe', 'manual'] as const;
const KIND: Record<string, string> = { 'hard-bounce': 'fail', complaint: 'fail', unsubscribe: 'warn', manual: 'neutral' };
const PAGE = 50;
const reasonName = (r: string): string => ((REASONS as readonly string[]).includes(r) ? t(`reason.${r as (typeof REASONS)[number]}`) : r);

export function suppressionsTab(): Tab {
  const heading = h('h2', {}, t('suppressions.title'));
  const searchId = uid('supp-search');
  const reasonId = uid('supp-reason');
  const search = h('input', { id: searchId, type: 'search', autocomplete: 'off', spellcheck: 'false', maxlength: 320, placeholder: t('suppressions.placeholder') });
  const reason = h('select', { id: reasonId }, h('option', { value: '' }, t('suppressions.allReasons')), ...REASONS.map((r) => h('option', { value: r }, reasonName(r))));
  const filters = h(
    'form',
    { class: 'toolbar filters', role: 'search', novalidate: true },
    h('label', { for: searchId, class: 'inline' }, t('suppressions.address')),
    search,
    h('label', { for: reasonId, class: 'inline' }, t('suppressions.reason')),
    reason,
    h('button', { type: 'submit', class: 'btn' }, t('suppressions.search')),
  );
  const addForm = can.manageConnections() ? addEntryForm(() => load()) : null;
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable(t('suppressions.caption'), [t('suppressions.address'), t('suppressions.reason'), t('suppressions.added'), t('suppressions.delivery'), ...(can.manageConnections() ? [''] : [])]);
  const empty = h('p', { class: 'empty', hidden: true }, t('suppressions.empty'));
  const moreBtn = h('button', { type: 'button', class: 'btn', hidden: true }, t('deliveries.more'));
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, heading),
    h('p', { class: 'muted' }, t('suppressions.intro')),
    addForm,
    filters,
    notice,
    table,
    empty,
    h('div', { class: 'actions center' }, moreBtn),
  );

  let cursor: string | null = null;
  let generation = 0;

  function row(s: Suppression): HTMLTableRowElement {
    const remove = can.manageConnections() ? h('button', { type: 'button', class: 'btn small danger', 'aria-label': t('suppressions.removeLabel', { email: s.email }) }, t('suppressions.remove')) : null;
    const tr = h(
      'tr',
      { 'data-email': s.email },
      h('th', { scope: 'row' }, h('code', {}, s.email)),
      h('td', {}, badge(reasonName(s.reason), KIND[s.reason] ?? 'neutral')),
      h('td', { class: 'small' }, time(s.createdAt)),
      h('td', { class: 'small' }, s.deliveryId ? h('code', {}, s.deliveryId) : '—'),
      remove ? h('td', {}, remove) : null,
    );
    remove?.addEventListener('click', () =>
      void busy(remove, async () => {
        if (!(await confirmDialog(t('suppressions.removeTitle'), t('suppressions.removeConfirm', { email: s.email }), t('suppressions.remove')))) return;
        try {
          await api('DELETE', scoped(state.scope, `suppressions/${encodeURIComponent(s.email)}`));
          tr.remove();
          announce(t('suppressions.removed', { email: s.email }), 'ok');
          table.hidden = tbody.children.length === 0;
          empty.hidden = tbody.children.length > 0;
        } catch (e) {
          notice.replaceChildren(errorView(e));
        }
      }),
    );
    return tr;
  }

  async function load(more = false): Promise<void> {
    heading.textContent = t('suppressions.titleOf', { scope: state.scope });
    const mine = ++generation;
    if (!more) {
      cursor = null;
      tbody.replaceChildren();
      notice.replaceChildren();
    }
    try {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (search.value.trim()) q.set('email', search.value.trim());
      if (reason.value) q.set('reason', reason.value);
      if (more && cursor) q.set('cursor', cursor);
      const r = await api<{ items: Suppression[]; nextCursor: string | null }>('GET', scoped(state.scope, `suppressions?${q}`));
      if (mine !== generation) return;
      tbody.append(...r.items.map(row));
      cursor = r.nextCursor;
    } catch (e) {
      if (mine !== generation) return;
      notice.replaceChildren(errorView(e));
      cursor = null;
    }
    moreBtn.hidden = !cursor;
    table.hidden = tbody.children.length === 0;
    empty.hidden = tbody.children.length > 0;
  }

  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void load();
  });
  reason.addEventListener('change', () => void load());
  moreBtn.addEventListener('click', () => void busy(moreBtn, () => load(true)));

  return { id: 'suppressions', label: t('suppressions.tab'), panel, show: () => load() };
}

/** An admin's form to put an address on the list by hand (reason manual). */
function addEntryForm(added: () => Promise<void>): HTMLFormElement {
  const id = uid('supp-add');
  const input = h('input', { id, type: 'email', autocomplete: 'off', spellcheck: 'false', maxlength: 320, 'aria-describedby': `${id}-err` });
  const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  const button = h('button', { type: 'submit', class: 'btn primary' }, t('suppressions.add'));
  const form = h('form', { class: 'card inline-form', novalidate: true }, h('div', { class: 'field' }, h('label', { for: id }, t('suppressions.addLabel')), input, err), h('div', { class: 'actions' }, button));
  const showError = (message: string | null) => {
    err.textContent = message ?? '';
    err.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(button, async () => {
      const email = input.value.trim();
      if (!email) return showError(t('suppressions.enterAddress'));
      try {
        await api('POST', scoped(state.scope, 'suppressions'), { email, reason: 'manual' });
        showError(null);
        input.value = '';
        announce(t('suppressions.addedAnnounce', { email }), 'ok');
        await added();
      } catch (e) {
        showError(errorSentence(e));
        input.focus();
      }
    });
  });
  return form;
}
