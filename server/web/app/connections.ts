// The Connections tab: the scope's connections with security, default and health (each line as
// its provider's schema summarizes it), and (for admins) add, edit, test, test mail, make default
// and delete.

import { pick, providersOf, type ProviderSchema } from './annotations.js';
import { api, getManifest, scoped, type Connection, type TestEmailResult, type TestResult } from './api.js';
import { errorView, openConnectionForm, resultView, warningsView } from './connection-form.js';
import { announce, badge, busy, confirmDialog, dataTable, h, openDialog, uid } from './dom.js';
import { can, state } from './state.js';
import type { Tab } from './tabs.js';

const LOCALES = ['en', 'fr', 'de', 'nl', 'pt', 'ru'];

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
  if (c.health.status === 'ok') return badge('OK', 'ok');
  const e = c.health.lastError;
  const detail = typeof e === 'string' ? e : e ? [e.code, e.message].filter(Boolean).join(': ') : '';
  return h('span', {}, badge('Unhealthy', 'fail', detail || undefined), detail ? h('span', { class: 'small block' }, detail) : null);
}

export function connectionsTab(): Tab {
  const heading = h('h2', {}, 'Connections');
  // Controls a role may not use are not in the page at all (the API refuses them anyway).
  const manage = can.manageConnections();
  const addBtn = manage ? h('button', { type: 'button', class: 'btn primary' }, 'Add connection') : null;
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, 'Refresh');
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable('Connections of this scope', ['Name', 'Provider', 'Server', 'Security', 'Sign-in', 'Health', ...(manage ? ['Actions'] : [])], (t) =>
    t === 'Actions' ? 'actions-col' : undefined,
  );
  const empty = h('p', { class: 'empty', hidden: true });
  const panel = h('div', {}, h('div', { class: 'toolbar' }, heading, h('div', { class: 'spacer' }), addBtn, refreshBtn), notice, table, empty);

  let items: Connection[] = [];
  let providers: ProviderSchema[] = [];

  const afterSave = (c: Connection, created: boolean) => {
    announce(`${created ? 'Added' : 'Saved'} connection “${c.name}”.`, 'ok', c.warnings.length ? `${c.warnings.length} warning(s): see above the list.` : null);
    notice.replaceChildren();
    const w = warningsView(c.warnings);
    if (w) notice.append(h('div', { class: 'callout warn' }, h('p', {}, h('strong', {}, `Warnings for “${c.name}”:`)), w));
    void load();
  };

  addBtn?.addEventListener('click', () => void openConnectionForm(state.scope, undefined, (c) => afterSave(c, true), items).catch((e: unknown) => notice.replaceChildren(errorView(e))));
  refreshBtn.addEventListener('click', () => void busy(refreshBtn, load));

  function row(c: Connection): HTMLTableRowElement {
    const { provider, server, transport: sec, signin } = summary(c, providers);
    const actions = manage ? h('td', { class: 'actions-col' }) : null;
    if (actions) {
      const label = (verb: string) => `${verb} ${c.name}`;
      const edit = h('button', { type: 'button', class: 'btn small', 'aria-label': label('Edit'), onclick: () => void openConnectionForm(state.scope, c, (s) => afterSave(s, false), items).catch((e: unknown) => notice.replaceChildren(errorView(e))) }, 'Edit');
      const test = h('button', { type: 'button', class: 'btn small', 'aria-label': label('Test') }, 'Test');
      test.addEventListener('click', () =>
        void busy(test, async () => {
          notice.replaceChildren(h('p', { class: 'muted' }, `Testing “${c.name}”…`));
          try {
            const r = await api<TestResult>('POST', scoped(state.scope, `connections/${encodeURIComponent(c.id)}/test`));
            notice.replaceChildren(h('h3', {}, `Test of “${c.name}”`), resultView(r, { ok: 'Connection works', fail: 'Connection test failed' }));
            void load();
          } catch (e) {
            notice.replaceChildren(errorView(e));
          }
        }),
      );
      const mail = h('button', { type: 'button', class: 'btn small', 'aria-label': label('Send test email through'), onclick: () => openTestEmail(c) }, 'Send test email');
      const def = c.isDefault ? null : h('button', { type: 'button', class: 'btn small', 'aria-label': label('Make default:') }, 'Make default');
      def?.addEventListener('click', () =>
        void busy(def, async () => {
          try {
            await api('POST', scoped(state.scope, `connections/${encodeURIComponent(c.id)}/default`));
            announce(`“${c.name}” is now the default connection of ${state.scope}.`, 'ok');
            await load();
          } catch (e) {
            notice.replaceChildren(errorView(e));
          }
        }),
      );
      const del = h('button', { type: 'button', class: 'btn small danger', 'aria-label': label('Delete') }, 'Delete');
      del.addEventListener('click', async () => {
        const ok = await confirmDialog('Delete connection?', `Delete “${c.name}”? Its stored secret is deleted with it. Actions that name it will fail until they use another connection.`, 'Delete connection');
        if (!ok) return;
        try {
          await api('DELETE', scoped(state.scope, `connections/${encodeURIComponent(c.id)}`));
          announce(`Deleted connection “${c.name}”.`, 'ok');
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
      h('th', { scope: 'row' }, h('span', { class: 'name' }, c.name), c.isDefault ? badge('Default', 'info') : null, h('span', { class: 'small block muted' }, c.senderName ? `${c.senderName} <${c.senderEmail}>` : c.senderEmail), warn),
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
    const to = h('input', { id: toId, type: 'email', required: true, autocomplete: 'email', placeholder: 'you@example.com', 'aria-required': 'true' });
    const locale = h('select', { id: locId }, h('option', { value: '' }, 'Browser language'), ...LOCALES.map((l) => h('option', { value: l }, l)));
    const err = h('p', { class: 'field-error', id: `${toId}-err`, hidden: true });
    const result = h('div', { class: 'result-area', role: 'status', 'aria-live': 'polite' });
    const send = h('button', { type: 'submit', class: 'btn primary' }, 'Send test email');
    const form = h(
      'form',
      { novalidate: true },
      h('p', {}, `Sends the test email through “${c.name}” (one attempt, shown in the delivery log).`),
      h('div', { class: 'field' }, h('label', { for: toId }, 'Send the test email to'), to, err),
      h('div', { class: 'field' }, h('label', { for: locId }, 'Language'), locale),
      result,
      h('div', { class: 'actions' }, send, h('button', { type: 'button', class: 'btn', onclick: () => d.close() }, 'Close')),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const address = to.value.trim();
      if (!address || !to.checkValidity()) {
        err.textContent = 'Enter an email address.';
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
        result.replaceChildren(h('p', { class: 'muted' }, 'Sending…'));
        try {
          const r = await api<TestEmailResult>('POST', scoped(state.scope, `connections/${encodeURIComponent(c.id)}/test-email`), { to: address, ...(locale.value ? { locale: locale.value } : {}) });
          const queued = r.ok === undefined;
          result.replaceChildren(
            queued ? h('div', { class: 'result' }, h('p', {}, h('strong', {}, r.message)), r.hint ? h('p', {}, r.hint) : null) : resultView(r, { ok: 'Test email sent', fail: 'Test email failed' }),
            h('p', { class: 'small' }, 'Subject: ', h('strong', {}, r.subject ?? '—'), ' · delivery ', h('code', {}, r.deliveryId ?? '—')),
          );
        } catch (e) {
          result.replaceChildren(errorView(e));
        }
      });
    });
    const d = openDialog('Send a test email', [form]);
  }

  async function load(): Promise<void> {
    heading.textContent = `Connections of ${state.scope}`;
    try {
      const [r, manifest] = await Promise.all([api<{ items: Connection[] }>('GET', scoped(state.scope, 'connections')), getManifest()]);
      items = r.items;
      providers = providersOf(manifest.connector.settingsSchema);
    } catch (e) {
      items = [];
      notice.replaceChildren(errorView(e));
    }
    tbody.replaceChildren(...items.map(row));
    table.hidden = items.length === 0;
    empty.hidden = items.length > 0;
    empty.textContent = manage ? `No connection in ${state.scope} yet. Add one, starting from a preset.` : `No connection in ${state.scope} yet. An admin adds them.`;
  }

  return { id: 'connections', label: 'Connections', panel, show: () => { notice.replaceChildren(); return load(); } };
}
