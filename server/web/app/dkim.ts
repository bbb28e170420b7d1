// The DKIM tab (admins): the scope's keys with the TXT record each needs (name and value, each
// with a Copy button), a form to create one (RSA-2048 or Ed25519, an optional selector), delete
// with confirmation, and the domain check below.

import { api, scoped, type DkimKey } from './api.js';
import { errorSentence, errorView } from './error-view.js';
import { copyable } from './copy.js';
import { domainCheckSection } from './domain-check.js';
import { announce, badge, busy, confirmDialog, dataTable, h, time, uid } from './dom.js';
import { state } from './state.js';
import { t } from './i18n/index.js';
import type { Tab } from './tabs.js';

export function dkimTab(): Tab {
  const heading = h('h2', {}, t('dkim.title'));
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable(t('dkim.caption'), [t('dkim.domain'), t('dkim.selector'), t('dkim.algorithm'), t('dkim.record'), t('deliveries.col.created'), '']);
  const empty = h('p', { class: 'empty', hidden: true }, t('dkim.empty'));
  const checker = domainCheckSection();
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, heading),
    h('p', { class: 'muted' }, t('dkim.intro')),
    createForm(() => load()),
    notice,
    table,
    empty,
    checker.section,
  );

  function row(k: DkimKey): HTMLTableRowElement {
    const remove = h('button', { type: 'button', class: 'btn small danger', 'aria-label': t('dkim.deleteLabel', { selector: k.selector, domain: k.domain }) }, t('common.delete'));
    const check = h('button', { type: 'button', class: 'btn small', 'data-action': 'check-domain' }, t('dkim.checkDomain'));
    const tr = h(
      'tr',
      { 'data-id': k.id },
      h('th', { scope: 'row' }, k.domain),
      h('td', {}, h('code', {}, k.selector)),
      h('td', {}, badge(k.algorithm, 'neutral')),
      h('td', { class: 'small' }, copyable(t('dkim.copyName', { selector: k.selector }), k.dnsRecord.name), copyable(t('dkim.copyValue', { selector: k.selector }), k.dnsRecord.value)),
      h('td', { class: 'small' }, time(k.createdAt)),
      h('td', {}, check, remove),
    );
    check.addEventListener('click', () => void busy(check, () => checker.check(k.domain)));
    remove.addEventListener('click', () =>
      void busy(remove, async () => {
        if (!(await confirmDialog(t('dkim.deleteTitle'), t('dkim.deleteConfirm', { domain: k.domain, record: k.dnsRecord.name }), t('common.delete')))) return;
        try {
          await api('DELETE', scoped(state.scope, `dkim-keys/${encodeURIComponent(k.id)}`));
          tr.remove();
          announce(t('dkim.deleted', { selector: k.selector, domain: k.domain }), 'ok');
          table.hidden = tbody.children.length === 0;
          empty.hidden = tbody.children.length > 0;
        } catch (e) {
          notice.replaceChildren(errorView(e));
        }
      }),
    );
    return tr;
  }

  async function load(): Promise<void> {
    heading.textContent = t('dkim.titleOf', { scope: state.scope });
    notice.replaceChildren();
    try {
      const r = await api<{ items: DkimKey[] }>('GET', scoped(state.scope, 'dkim-keys'));
      tbody.replaceChildren(...r.items.map(row));
    } catch (e) {
      tbody.replaceChildren();
      notice.replaceChildren(errorView(e));
    }
    table.hidden = tbody.children.length === 0;
    empty.hidden = tbody.children.length > 0;
  }

  return { id: 'dkim', label: 'DKIM', panel, show: () => load() };
}

/** The form that generates a key; the answer's record is shown in the list at once. */
function createForm(created: () => Promise<void>): HTMLFormElement {
  const ids = { domain: uid('dkim-domain'), selector: uid('dkim-selector'), algorithm: uid('dkim-alg') };
  const domain = h('input', { id: ids.domain, type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 253, placeholder: t('dkim.domainPlaceholder'), 'aria-describedby': `${ids.domain}-err` });
  const selector = h('input', { id: ids.selector, type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 63, placeholder: 'envoi<yyyymm>' });
  const algorithm = h('select', { id: ids.algorithm }, h('option', { value: 'rsa-2048' }, t('dkim.rsa')), h('option', { value: 'ed25519' }, t('dkim.ed25519')));
  const err = h('p', { class: 'field-error', id: `${ids.domain}-err`, hidden: true });
  const button = h('button', { type: 'submit', class: 'btn primary' }, t('dkim.create'));
  const form = h(
    'form',
    { class: 'card inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: ids.domain }, t('dkim.domain')), domain, err),
    h('div', { class: 'field' }, h('label', { for: ids.selector }, t('dkim.selectorOptional')), selector),
    h('div', { class: 'field' }, h('label', { for: ids.algorithm }, t('dkim.algorithm')), algorithm),
    h('div', { class: 'actions' }, button),
  );
  const showError = (message: string | null) => {
    err.textContent = message ?? '';
    err.hidden = !message;
    if (message) domain.setAttribute('aria-invalid', 'true');
    else domain.removeAttribute('aria-invalid');
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(button, async () => {
      if (!domain.value.trim()) return showError(t('dkim.enterDomain'));
      try {
        const body = { domain: domain.value.trim(), algorithm: algorithm.value, ...(selector.value.trim() ? { selector: selector.value.trim() } : {}) };
        const k = await api<DkimKey>('POST', scoped(state.scope, 'dkim-keys'), body);
        showError(null);
        domain.value = '';
        selector.value = '';
        announce(t('dkim.created', { selector: k.selector, record: k.dnsRecord.name }), 'ok');
        await created();
      } catch (e) {
        showError(errorSentence(e));
        domain.focus();
      }
    });
  });
  return form;
}
