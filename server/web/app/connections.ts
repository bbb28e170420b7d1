// The Connections tab: the scope's connections with security, default and health (each line as
// its provider's schema summarizes it), and (for admins) add, edit, test, test mail, make default
// and delete.

import { pick, providersOf, type ProviderSchema } from './annotations.js';
import { api, getManifest, scoped, type Connection, type ConnectionList, type TestEmailResult, type TestResult } from './api.js';
import { openConnectionForm, resultView, warningsView } from './connection-form.js';
import { errorView } from './error-view.js';
import { announce, badge, busy, confirmDialog, dataTable, h, openDialog, uid } from './dom.js';
import { LANGUAGE_NAMES, LANGUAGES, t, tNodes, type Key } from './i18n/index.js';
import { can, state } from './state.js';
import type { Tab } from './tabs.js';

/** A connection's line in the list, from its provider's `x-envoi.summary` (annotations.ts). */
export function summary(c: Connection, providers: ProviderSchema[]): { provider: string; server: string; transport: { text: string; title?: string }; signin: string } {
  const p = providers.find((x) => x.key === c.provider);
  const s = p?.annotations.summary ?? {};
  const values = (field: string): unknown => (c as Record<string, unknown>)[field] ?? null;
  return {
    provider: pick(s.provider, values)?.text ?? p?.title ?? String(c.provider),
    server: pick(s.server, values)?.text ?? '',
    transport: pick(s.transport, values) ?? { text: '' },
    signin: pick(s.signin, values)?.text ?? '',
  };
}

function health(c: Connection): HTMLElement | string {
  if (!c.health) return '';
  if (c.health.status === 'ok') return badge(t('health.ok'), 'ok');
  if (c.health.status === 'untested') return badge(t('health.untested'), 'neutral', t('health.untestedTitle'));
  const e = c.health.lastError;
  const detail = typeof e === 'string' ? e : e ? [e.code, e.message].filter(Boolean).join(': ') : '';
  return h('span', {}, badge(t('health.unhealthy'), 'fail', detail || undefined), detail ? h('span', { class: 'small block' }, detail) : null);
}

export function connectionsTab(): Tab {
  const heading = h('h2', {}, t('connections.title'));
  // Controls a role may not use are not in the page at all (the API refuses them anyway).
  const manage = can.manageConnections();
  const addBtn = manage ? h('button', { type: 'button', class: 'btn primary' }, t('connections.add')) : null;
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, t('common.refresh'));
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const actionsCol = t('common.actions');
  const columns = [t('connections.col.name'), t('connections.col.provider'), t('connections.col.server'), t('connections.col.security'), t('connections.col.signin'), t('connections.col.health'), ...(manage ? [actionsCol] : [])];
  const { table, tbody } = dataTable(t('connections.caption'), columns, (c) => (c === actionsCol ? 'actions-col' : undefined));
  const empty = h('p', { class: 'empty', hidden: true });
  // A tenant without a default of its own sends through the platform's (design.md "HTTP API").
  const inherited = h('p', { class: 'callout info inherited-default', hidden: true });
  const panel = h('div', {}, h('div', { class: 'toolbar' }, heading, h('div', { class: 'spacer' }), addBtn, refreshBtn), inherited, notice, table, empty);

  let items: Connection[] = [];
  let providers: ProviderSchema[] = [];

  const afterSave = (c: Connection, created: boolean) => {
    announce(t(created ? 'connections.added' : 'connections.saved', { name: c.name }), 'ok', c.warnings.length ? t('connections.warningsCount', { count: c.warnings.length }) : null);
    notice.replaceChildren();
    const w = warningsView(c.warnings);
    if (w) notice.append(h('div', { class: 'callout warn' }, h('p', {}, h('strong', {}, t('connections.warningsFor', { name: c.name }))), w));
    void load();
  };

  addBtn?.addEventListener('click', () => void openConnectionForm(state.scope, undefined, (c) => afterSave(c, true), items).catch((e: unknown) => notice.replaceChildren(errorView(e))));
  refreshBtn.addEventListener('click', () => void busy(refreshBtn, load));

  function row(c: Connection): HTMLTableRowElement {
    const { provider, server, transport: sec, signin } = summary(c, providers);
    const actions = manage ? h('td', { class: 'actions-col' }) : null;
    if (actions) {
      const label = (key: Key) => t(key, { name: c.name });
      const edit = h('button', { type: 'button', class: 'btn small', 'aria-label': label('connections.editLabel'), onclick: () => void openConnectionForm(state.scope, c, (s) => afterSave(s, false), items).catch((e: unknown) => notice.replaceChildren(errorView(e))) }, t('common.edit'));
      const test = h('button', { type: 'button', class: 'btn small', 'aria-label': label('connections.testLabel') }, t('connections.test'));
      test.addEventListener('click', () =>
        void busy(test, async () => {
          notice.replaceChildren(h('p', { class: 'muted' }, t('connections.testing', { name: c.name })));
          try {
            const r = await api<TestResult>('POST', scoped(state.scope, `connections/${encodeURIComponent(c.id)}/test`));
            notice.replaceChildren(h('h3', {}, t('connections.testOf', { name: c.name })), resultView(r, { ok: t('connections.works'), fail: t('connections.testFailed') }));
            void load();
          } catch (e) {
            notice.replaceChildren(errorView(e));
          }
        }),
      );
      const mail = h('button', { type: 'button', class: 'btn small', 'aria-label': label('connections.testEmailLabel'), onclick: () => openTestEmail(c) }, t('connections.testEmail'));
      const def = c.isDefault ? null : h('button', { type: 'button', class: 'btn small', 'aria-label': label('connections.makeDefaultLabel') }, t('connections.makeDefault'));
      def?.addEventListener('click', () =>
        void busy(def, async () => {
          try {
            await api('POST', scoped(state.scope, `connections/${encodeURIComponent(c.id)}/default`));
            announce(t('connections.nowDefault', { name: c.name, scope: state.scope }), 'ok');
            await load();
          } catch (e) {
            notice.replaceChildren(errorView(e));
          }
        }),
      );
      const del = h('button', { type: 'button', class: 'btn small danger', 'aria-label': label('connections.deleteLabel') }, t('common.delete'));
      del.addEventListener('click', async () => {
        const ok = await confirmDialog(t('connections.deleteTitle'), t('connections.deleteConfirm', { name: c.name }), t('connections.deleteButton'));
        if (!ok) return;
        try {
          await api('DELETE', scoped(state.scope, `connections/${encodeURIComponent(c.id)}`));
          announce(t('connections.deleted', { name: c.name }), 'ok');
          notice.replaceChildren();
          await load();
        } catch (e) {
          notice.replaceChildren(errorView(e));
        }
      });
      actions.append(h('div', { class: 'row-actions' }, edit, test, mail, def, del));
    }
    // A warning's fix opens the edit dialog with it applied (connection-form.ts).
    const fixBtn = (w: Connection['warnings'][number]) =>
      manage && w.fix
        ? h('button', { type: 'button', class: 'btn small fix', 'aria-label': `${w.fix.label}: ${c.name}`, onclick: () => void openConnectionForm(state.scope, c, (s) => afterSave(s, false), items, w.code).catch((e: unknown) => notice.replaceChildren(errorView(e))) }, w.fix.label)
        : null;
    const warn = c.warnings?.length ? h('ul', { class: 'warnings small' }, ...c.warnings.map((w) => h('li', { title: w.hint }, w.message, w.fix && manage ? ' ' : '', fixBtn(w)))) : null;
    return h(
      'tr',
      { 'data-connection-id': c.id },
      h('th', { scope: 'row' }, h('span', { class: 'name' }, c.name), c.isDefault ? badge(t('connections.default'), 'info') : null, h('span', { class: 'small block muted' }, c.senderName ? `${c.senderName} <${c.senderEmail}>` : c.senderEmail), warn),
      h('td', {}, provider),
      h('td', {}, h('code', {}, server)),
      h('td', {}, h('span', { title: sec.title }, sec.text)),
      h('td', { class: 'small' }, signin),
      h('td', {}, health(c)),
      actions,
    );
  }

  function openTestEmail(c: Connection) {
    const toId = uid('te-to');
    const locId = uid('te-loc');
    const to = h('input', { id: toId, type: 'email', required: true, autocomplete: 'email', placeholder: t('connections.emailPlaceholder'), 'aria-required': 'true' });
    const locale = h('select', { id: locId }, h('option', { value: '' }, t('connections.browserLanguage')), ...LANGUAGES.map((l) => h('option', { value: l, lang: l }, LANGUAGE_NAMES[l])));
    const err = h('p', { class: 'field-error', id: `${toId}-err`, hidden: true });
    const result = h('div', { class: 'result-area', role: 'status', 'aria-live': 'polite' });
    const send = h('button', { type: 'submit', class: 'btn primary' }, t('connections.testEmail'));
    const form = h(
      'form',
      { novalidate: true },
      h('p', {}, t('connections.testEmailIntro', { name: c.name })),
      h('div', { class: 'field' }, h('label', { for: toId }, t('connections.testEmailTo')), to, err),
      h('div', { class: 'field' }, h('label', { for: locId }, t('connections.testEmailLanguage')), locale),
      result,
      h('div', { class: 'actions' }, send, h('button', { type: 'button', class: 'btn', onclick: () => d.close() }, t('common.close'))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const address = to.value.trim();
      if (!address || !to.checkValidity()) {
        err.textContent = t('connections.enterEmail');
        err.hidden = false;
        to.setAttribute('aria-invalid', 'true');
        to.setAttribute('aria-describedby', err.id);
        to.focus();
        return;
      }
      err.hidden = true;
      to.removeAttribute('aria-invalid');
      to.removeAttribute('aria-describedby');
      void busy(send, async () => {
        result.replaceChildren(h('p', { class: 'muted' }, t('common.sending')));
        try {
          const r = await api<TestEmailResult>('POST', scoped(state.scope, `connections/${encodeURIComponent(c.id)}/test-email`), { to: address, ...(locale.value ? { locale: locale.value } : {}) });
          const queued = r.ok === undefined;
          result.replaceChildren(
            queued ? h('div', { class: 'result' }, h('p', {}, h('strong', {}, r.message)), r.hint ? h('p', {}, r.hint) : null) : resultView(r, { ok: t('connections.testEmailSent'), fail: t('connections.testEmailFailed') }),
            h('p', { class: 'small' }, ...tNodes('connections.testEmailFacts', { subject: h('strong', {}, r.subject ?? '—'), delivery: h('code', {}, r.deliveryId ?? '—') })),
          );
        } catch (e) {
          result.replaceChildren(errorView(e));
        }
      });
    });
    const d = openDialog(t('connections.testEmailTitle'), [form]);
  }

  async function load(): Promise<void> {
    heading.textContent = t('connections.titleOf', { scope: state.scope });
    try {
      const [r, manifest] = await Promise.all([api<ConnectionList>('GET', scoped(state.scope, 'connections')), getManifest()]);
      items = r.items;
      inherited.hidden = !r.inheritedDefault;
      inherited.textContent = r.inheritedDefault ? t('connections.inheritedDefault', { name: r.inheritedDefault.name }) : '';
      providers = providersOf(manifest.connector.settingsSchema);
    } catch (e) {
      items = [];
      notice.replaceChildren(errorView(e));
    }
    tbody.replaceChildren(...items.map(row));
    table.hidden = items.length === 0;
    empty.hidden = items.length > 0;
    empty.textContent = t(manage ? 'connections.emptyAdmin' : 'connections.empty', { scope: state.scope });
  }

  return { id: 'connections', label: t('connections.tab'), panel, show: () => { notice.replaceChildren(); return load(); } };
}
