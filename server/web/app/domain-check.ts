// The domain check: SPF, DKIM, DMARC and MX of a sender domain as the API judges them, each with
// its status, what is published, and the record to publish (with a Copy button) and its hint.

import { api, scoped, type DomainCheck } from './api.js';
import { errorView } from './error-view.js';
import { badge, busy, dataTable, h, uid } from './dom.js';
import { copyable } from './copy.js';
import { state } from './state.js';
import { t } from './i18n/index.js';

const KIND: Record<string, string> = { pass: 'ok', warn: 'warn', fail: 'fail' };

export function domainCheckSection(): { section: HTMLElement; check(domain: string): Promise<void> } {
  const id = uid('domain-check');
  const input = h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 253, placeholder: t('dkim.domainPlaceholder') });
  const button = h('button', { type: 'submit', class: 'btn primary' }, t('check.button'));
  const form = h('form', { class: 'toolbar filters', novalidate: true }, h('label', { for: id, class: 'inline' }, t('dkim.domain')), input, button);
  const out = h('div', { 'aria-live': 'polite' });
  const section = h(
    'section',
    { class: 'card' },
    h('h3', {}, t('check.title')),
    h('p', { class: 'muted' }, t('check.intro')),
    form,
    out,
  );

  async function check(domain: string): Promise<void> {
    input.value = domain;
    out.replaceChildren(h('p', { class: 'muted' }, t('check.checking', { domain })));
    try {
      const r = await api<DomainCheck>('GET', scoped(state.scope, `domains/${encodeURIComponent(domain)}/check`));
      const { table, tbody } = dataTable(t('check.caption', { domain: r.domain }), [t('check.col.check'), t('deliveries.col.status'), t('check.col.record'), t('check.col.whatToDo')]);
      for (const c of r.checks) {
        tbody.append(h(
          'tr',
          { 'data-kind': c.kind, 'data-status': c.status },
          h('th', { scope: 'row' }, c.kind.toUpperCase()),
          h('td', {}, badge(c.status in KIND ? t(`check.${c.status as 'pass' | 'warn' | 'fail'}`) : c.status, KIND[c.status] ?? 'neutral')),
          h(
            'td',
            { class: 'small' },
            c.name ? h('div', {}, `${t('check.name')} `, copyable(t('check.copyName', { kind: c.kind.toUpperCase() }), c.name)) : null,
            c.found ? h('div', {}, `${t('check.found')} `, h('code', { class: 'record' }, c.found)) : null,
            c.expected ? h('div', {}, `${t('check.publish')} `, copyable(t('check.copyRecord', { kind: c.kind.toUpperCase() }), c.expected)) : null,
          ),
          h('td', {}, h('p', {}, c.message), h('p', { class: 'muted small' }, c.hint)),
        ));
      }
      out.replaceChildren(table);
    } catch (e) {
      out.replaceChildren(errorView(e));
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const domain = input.value.trim();
    if (domain) void busy(button, () => check(domain));
  });
  return { section, check };
}
