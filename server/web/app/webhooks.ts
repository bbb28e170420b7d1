// The Webhooks tab: the scope's endpoints (URL, events, enabled or why disabled), create and
// edit, rotate the secret (shown once), send a test event, delete, and an endpoint's recent
// messages with each try and the endpoint's answer.

import { api, scoped, type WebhookEndpoint, type WebhookEndpointWithSecret, type WebhookMessage } from './api.js';
import { errorView } from './error-view.js';
import { announce, badge, busy, confirmDialog, dataTable, fill, h, time } from './dom.js';
import { state } from './state.js';
import { t, tNodes, type Key } from './i18n/index.js';
import type { Tab } from './tabs.js';
import { endpointDialog, secretDialog } from './webhook-form.js';

const STATUS_KIND: Record<WebhookMessage['status'], string> = { pending: 'warn', delivered: 'ok', failed: 'fail' };

export function webhooksTab(): Tab {
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, t('common.refresh'));
  const addBtn = h('button', { type: 'button', class: 'btn primary' }, t('webhooks.add'));
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable(t('webhooks.caption'), [t('webhooks.col.url'), t('webhooks.col.events'), t('deliveries.col.status'), t('common.actions')]);
  const messages = h('section', { class: 'webhook-messages', 'aria-label': t('webhooks.recent') });
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, h('h2', {}, t('webhooks.title')), h('div', { class: 'spacer' }), refreshBtn, addBtn),
    h('p', { class: 'muted' }, t('webhooks.intro')),
    notice,
    h('div', { class: 'table-wrap' }, table),
    messages,
  );
  const path = (id: string, rest = '') => scoped(state.scope, `webhooks/${encodeURIComponent(id)}${rest}`);
  let shown: string | undefined;

  async function showMessages(e: WebhookEndpoint, focus = true): Promise<void> {
    shown = e.id;
    const heading = h('h3', { tabindex: -1 }, ...tNodes('webhooks.recentOf', { url: h('code', {}, e.url) }));
    try {
      const page = await api<{ items: WebhookMessage[] }>('GET', path(e.id, '/messages?limit=50'));
      const { table: list, tbody: body } = dataTable(t('webhooks.recentOf', { url: e.url }), [t('deliveries.event'), t('deliveries.col.status'), t('webhooks.col.tries'), t('webhooks.col.lastAnswer'), t('deliveries.col.created')]);
      for (const m of page.items) {
        const tries = h(
          'details',
          {},
          h('summary', {}, `${m.attempts}`),
          m.attemptLog.length
            ? h('ol', { class: 'small' }, ...m.attemptLog.map((a) => h('li', {}, time(a.startedAt), ` — ${t('webhooks.try', { answer: a.status ?? t('webhooks.noAnswer'), ms: String(a.durationMs) })}`, a.error ? h('div', {}, a.error) : null, a.response ? h('pre', { class: 'mail-text' }, a.response) : null)))
            : h('p', { class: 'small muted' }, t('webhooks.notTried')),
        );
        body.append(
          h(
            'tr',
            { 'data-message-id': m.id },
            h('td', {}, h('code', {}, m.type)),
            h('td', {}, badge(t(`webhooks.status.${m.status}`), STATUS_KIND[m.status]), m.nextAttemptAt ? h('div', { class: 'small muted' }, ...tNodes('webhooks.nextTry', { time: time(m.nextAttemptAt) })) : null),
            h('td', {}, tries),
            h('td', {}, m.lastStatus !== null ? String(m.lastStatus) : '—', m.lastError ? h('div', { class: 'small muted' }, m.lastError) : null),
            h('td', {}, time(m.createdAt)),
          ),
        );
      }
      fill(messages, heading, page.items.length ? h('div', { class: 'table-wrap' }, list) : h('p', { class: 'muted' }, t('webhooks.noMessages')));
    } catch (err) {
      fill(messages, heading, errorView(err));
    }
    if (focus) heading.focus();
  }

  function row(e: WebhookEndpoint): HTMLTableRowElement {
    const label = e.description ? `${e.description} (${e.url})` : e.url;
    const button = (key: Key, onClick: (b: HTMLButtonElement) => Promise<void>) => {
      const b = h('button', { type: 'button', class: 'btn small', 'aria-label': `${t(key)}: ${label}` }, t(key));
      b.addEventListener('click', () => void busy(b, () => onClick(b)));
      return b;
    };
    return h(
      'tr',
      { 'data-endpoint-id': e.id },
      h('td', {}, h('code', { class: 'break' }, e.url), e.description ? h('div', { class: 'small muted' }, e.description) : null),
      h('td', {}, e.events.includes('*') ? t('webhooks.allEvents') : e.events.join(', ')),
      h('td', {}, e.enabled ? badge(t('webhooks.enabledBadge'), 'ok') : badge(t('webhooks.disabledBadge'), 'fail'), e.disabledReason ? h('div', { class: 'small muted' }, e.disabledReason) : null),
      h(
        'td',
        { class: 'actions' },
        button('common.edit', () => endpointDialog(e, () => void load().then(() => announce(t('webhooks.saved'), 'ok')))),
        button('webhooks.sendTest', async () => {
          try {
            await api('POST', path(e.id, '/test'));
            announce(t('webhooks.testQueued'), 'ok');
            await showMessages(e, false);
          } catch (err) {
            notice.replaceChildren(errorView(err));
          }
        }),
        button('webhooks.messages', () => showMessages(e)),
        button('webhooks.rotate', async () => {
          if (!(await confirmDialog(t('webhooks.rotateTitle'), t('webhooks.rotateConfirm'), t('webhooks.rotate')))) return;
          try {
            secretDialog(t('webhooks.newSecret'), await api<WebhookEndpointWithSecret>('POST', path(e.id, '/rotate-secret')));
          } catch (err) {
            notice.replaceChildren(errorView(err));
          }
        }),
        button('common.delete', async () => {
          if (!(await confirmDialog(t('webhooks.deleteTitle'), t('webhooks.deleteConfirm', { url: e.url }), t('common.delete')))) return;
          try {
            await api('DELETE', path(e.id));
            if (shown === e.id) messages.replaceChildren();
            announce(t('webhooks.deleted'), 'ok');
            await load();
          } catch (err) {
            notice.replaceChildren(errorView(err));
          }
        }),
      ),
    );
  }

  async function load(): Promise<void> {
    let items: WebhookEndpoint[];
    try {
      items = (await api<{ items: WebhookEndpoint[] }>('GET', scoped(state.scope, 'webhooks'))).items;
      notice.replaceChildren();
    } catch (err) {
      notice.replaceChildren(errorView(err));
      return;
    }
    tbody.replaceChildren(...items.map(row));
    if (!items.length) tbody.append(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, t('webhooks.empty'))));
    const current = items.find((e) => e.id === shown);
    if (current) await showMessages(current, false);
    else messages.replaceChildren();
  }

  refreshBtn.addEventListener('click', () => void busy(refreshBtn, load));
  addBtn.addEventListener('click', () =>
    void endpointDialog(undefined, (saved) => {
      void load();
      if ('secret' in saved) secretDialog(t('webhooks.created'), saved);
    }),
  );

  return { id: 'webhooks', label: t('webhooks.tab'), panel, show: load };
}
