// The domain check: SPF, DKIM, DMARC and MX of a sender domain as the API judges them, each with
// its status, what is published, and the record to publish (with a Copy button) and its hint.

import { api, scoped, type DomainCheck } from './api.js';
import { errorView } from './connection-form.js';
import { badge, busy, dataTable, h, uid } from './dom.js';
import { copyable } from './copy.js';
import { state } from './state.js';

const KIND: Record<string, string> = { pass: 'ok', warn: 'warn', fail: 'fail' };

export function domainCheckSection(): { section: HTMLElement; check(domain: string): Promise<void> } {
  const id = uid('domain-check');
  const input = h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 253, placeholder: 'example.com' });
  const button = h('button', { type: 'submit', class: 'btn primary' }, 'Check');
  const form = h('form', { class: 'toolbar filters', novalidate: true }, h('label', { for: id, class: 'inline' }, 'Domain'), input, button);
  const out = h('div', { 'aria-live': 'polite' });
  const section = h(
    'section',
    { class: 'card' },
    h('h3', {}, 'Domain check'),
    h('p', { class: 'muted' }, "Looks up SPF, DKIM, DMARC and MX of a sender domain and says what to publish for this scope's connections."),
    form,
    out,
  );

  async function check(domain: string): Promise<void> {
    input.value = domain;
    out.replaceChildren(h('p', { class: 'muted' }, `Checking ${domain}…`));
    try {
      const r = await api<DomainCheck>('GET', scoped(state.scope, `domains/${encodeURIComponent(domain)}/check`));
      const { table, tbody } = dataTable(`DNS records of ${r.domain}`, ['Check', 'Status', 'Record', 'What to do']);
      for (const c of r.checks) {
        tbody.append(h(
          'tr',
          { 'data-kind': c.kind, 'data-status': c.status },
          h('th', { scope: 'row' }, c.kind.toUpperCase()),
          h('td', {}, badge(c.status, KIND[c.status] ?? 'neutral')),
          h(
            'td',
            { class: 'small' },
            c.name ? h('div', {}, 'Name ', copyable(`the name for ${c.kind}`, c.name)) : null,
            c.found ? h('div', {}, 'Found ', h('code', { class: 'record' }, c.found)) : null,
            c.expected ? h('div', {}, 'Publish ', copyable(`the ${c.kind} record`, c.expected)) : null,
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
