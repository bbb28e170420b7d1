// The Webhooks tab: the scope's endpoints (URL, events, enabled or why disabled), create and
// edit, rotate the secret (shown once), send a test event, delete, and an endpoint's recent
// messages with each try and the endpoint's answer.

import { api, scoped, type WebhookEndpoint, type WebhookEndpointWithSecret, type WebhookMessage } from './api.js';
import { errorView } from './connection-form.js';
import { announce, badge, busy, confirmDialog, dataTable, fill, h, time } from './dom.js';
import { state } from './state.js';
import type { Tab } from './tabs.js';
import { endpointDialog, secretDialog } from './webhook-form.js';

const STATUS_KIND: Record<WebhookMessage['status'], string> = { pending: 'warn', delivered: 'ok', failed: 'fail' };

export function webhooksTab(): Tab {
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, 'Refresh');
  const addBtn = h('button', { type: 'button', class: 'btn primary' }, 'Add endpoint');
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable('Webhook endpoints', ['URL', 'Events', 'Status', 'Actions']);
  const messages = h('section', { class: 'webhook-messages', 'aria-label': 'Recent messages' });
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, h('h2', {}, 'Webhooks'), h('div', { class: 'spacer' }), refreshBtn, addBtn),
    h('p', { class: 'muted' }, 'Envoi posts signed events (Standard Webhooks) to these URLs: sent, failed, bounced, complained, connection health and more.'),
    notice,
    h('div', { class: 'table-wrap' }, table),
    messages,
  );
  const path = (id: string, rest = '') => scoped(state.scope, `webhooks/${encodeURIComponent(id)}${rest}`);
  let shown: string | undefined;

  async function showMessages(e: WebhookEndpoint, focus = true): Promise<void> {
    shown = e.id;
    const heading = h('h3', { tabindex: -1 }, 'Recent messages of ', h('code', {}, e.url));
    try {
      const page = await api<{ items: WebhookMessage[] }>('GET', path(e.id, '/messages?limit=50'));
      const { table: t, tbody: body } = dataTable(`Recent messages of ${e.url}`, ['Event', 'Status', 'Tries', 'Last answer', 'Created']);
      for (const m of page.items) {
        const tries = h(
          'details',
          {},
          h('summary', {}, `${m.attempts}`),
          m.attemptLog.length
            ? h('ol', { class: 'small' }, ...m.attemptLog.map((a) => h('li', {}, time(a.startedAt), ` — ${a.status ?? 'no answer'} in ${a.durationMs} ms`, a.error ? h('div', {}, a.error) : null, a.response ? h('pre', { class: 'mail-text' }, a.response) : null)))
            : h('p', { class: 'small muted' }, 'Not tried yet.'),
        );
        body.append(
          h(
            'tr',
            { 'data-message-id': m.id },
            h('td', {}, h('code', {}, m.type)),
            h('td', {}, badge(m.status, STATUS_KIND[m.status]), m.nextAttemptAt ? h('div', { class: 'small muted' }, 'next try ', time(m.nextAttemptAt)) : null),
            h('td', {}, tries),
            h('td', {}, m.lastStatus !== null ? String(m.lastStatus) : '—', m.lastError ? h('div', { class: 'small muted' }, m.lastError) : null),
            h('td', {}, time(m.createdAt)),
          ),
        );
      }
      fill(messages, heading, page.items.length ? h('div', { class: 'table-wrap' }, t) : h('p', { class: 'muted' }, 'No messages yet. Send a test event.'));
    } catch (err) {
      fill(messages, heading, errorView(err));
    }
    if (focus) heading.focus();
  }

  function row(e: WebhookEndpoint): HTMLTableRowElement {
    const label = e.description ? `${e.description} (${e.url})` : e.url;
    const button = (text: string, onClick: (b: HTMLButtonElement) => Promise<void>) => {
      const b = h('button', { type: 'button', class: 'btn small', 'aria-label': `${text}: ${label}` }, text);
      b.addEventListener('click', () => void busy(b, () => onClick(b)));
      return b;
    };
    return h(
      'tr',
      { 'data-endpoint-id': e.id },
      h('td', {}, h('code', { class: 'break' }, e.url), e.description ? h('div', { class: 'small muted' }, e.description) : null),
      h('td', {}, e.events.includes('*') ? 'All events' : e.events.join(', ')),
      h('td', {}, e.enabled ? badge('enabled', 'ok') : badge('disabled', 'fail'), e.disabledReason ? h('div', { class: 'small muted' }, e.disabledReason) : null),
      h(
        'td',
        { class: 'actions' },
        button('Edit', () => endpointDialog(e, () => void load().then(() => announce('Endpoint saved.', 'ok')))),
        button('Send test', async () => {
          try {
            await api('POST', path(e.id, '/test'));
            announce('Test event queued.', 'ok');
            await showMessages(e, false);
          } catch (err) {
            notice.replaceChildren(errorView(err));
          }
        }),
        button('Messages', () => showMessages(e)),
        button('Rotate secret', async () => {
          if (!(await confirmDialog('Rotate the secret?', 'Messages are signed with the new secret from now on; the old one stops verifying.', 'Rotate secret'))) return;
          try {
            secretDialog('New signing secret', await api<WebhookEndpointWithSecret>('POST', path(e.id, '/rotate-secret')));
          } catch (err) {
            notice.replaceChildren(errorView(err));
          }
        }),
        button('Delete', async () => {
          if (!(await confirmDialog('Delete this endpoint?', `${e.url} stops receiving events; its messages are removed.`, 'Delete'))) return;
          try {
            await api('DELETE', path(e.id));
            if (shown === e.id) messages.replaceChildren();
            announce('Endpoint deleted.', 'ok');
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
    if (!items.length) tbody.append(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'No endpoints yet. Add one to hear about sent, failed and bounced mail.')));
    const current = items.find((e) => e.id === shown);
    if (current) await showMessages(current, false);
    else messages.replaceChildren();
  }

  refreshBtn.addEventListener('click', () => void busy(refreshBtn, load));
  addBtn.addEventListener('click', () =>
    void endpointDialog(undefined, (saved) => {
      void load();
      if ('secret' in saved) secretDialog('Endpoint created', saved);
    }),
  );

  return { id: 'webhooks', label: 'Webhooks', panel, show: load };
}
