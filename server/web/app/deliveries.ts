// The Deliveries tab: the dashboard (counts and chart), the delivery log with its search form,
// "load more" and auto-refresh, a detail dialog with one timeline of attempts and events, and
// Retry for failed mail (admins).

import { api, scoped, type Delivery, type DeliveryDetail } from './api.js';
import { errorView } from './error-view.js';
import { announce, badge, busy, bytes, dataTable, fill, h, openDialog, time, uid } from './dom.js';
import { deliveryDashboard } from './delivery-dashboard.js';
import { deliverySearch, STATUSES } from './delivery-search.js';
import { timelineView } from './delivery-timeline.js';
import { t, tNodes } from './i18n/index.js';
import { can, state } from './state.js';
import type { Tab } from './tabs.js';

const KIND: Record<string, string> = { captured: 'info', sent: 'ok', failed: 'fail', retrying: 'warn', queued: 'neutral', sending: 'info', lost: 'warn' };
const PAGE = 25;
/** How often the tab refreshes itself while visible, when the admin leaves auto-refresh on. */
const AUTO_MS = 10_000;

/** A delivery's (or attempt's) status in the page's language; the code stays in data-status. */
export const statusName = (status: string): string => (STATUSES as readonly string[]).includes(status) || status === 'lost' ? t(`status.${status as (typeof STATUSES)[number] | 'lost'}`) : status;
export const statusBadge = (status: string): HTMLElement => badge(statusName(status), KIND[status] ?? 'neutral');

const recipientsText = (d: Delivery) => (d.recipients.length > 2 ? `${d.recipients.slice(0, 2).join(', ')} +${d.recipients.length - 2}` : d.recipients.join(', '));

export function deliveriesTab(): Tab {
  const heading = h('h2', {}, t('deliveries.title'));
  const search = deliverySearch(statusName, () => void load());
  const dashboard = deliveryDashboard();
  const autoId = uid('auto-refresh');
  const auto = h('input', { type: 'checkbox', id: autoId });
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, t('common.refresh'));
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const { table, tbody } = dataTable(t('deliveries.caption'), [t('deliveries.col.status'), t('deliveries.col.subject'), t('deliveries.col.recipients'), t('deliveries.col.connection'), t('deliveries.col.attempts'), t('deliveries.col.created')]);
  const empty = h('p', { class: 'empty', hidden: true }, t('deliveries.empty'));
  const moreBtn = h('button', { type: 'button', class: 'btn', hidden: true }, t('deliveries.more'));
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, heading, h('div', { class: 'spacer' }), h('span', { class: 'inline' }, auto, h('label', { for: autoId }, t('deliveries.auto'))), refreshBtn),
    dashboard.panel,
    search.form,
    notice,
    table,
    empty,
    h('div', { class: 'actions center' }, moreBtn),
  );

  let cursor: string | null = null;
  let generation = 0;
  const rows = new Map<string, HTMLTableRowElement>();

  function row(d: Delivery): HTMLTableRowElement {
    const open = h('button', { type: 'button', class: 'btn link', onclick: () => void openDetail(d.id) }, d.subject || t('deliveries.noSubject'));
    return h(
      'tr',
      { 'data-delivery-id': d.id, 'data-status': d.status },
      h(
        'td',
        {},
        statusBadge(d.status),
        d.status === 'retrying' && d.nextAttemptAt ? h('span', { class: 'small block muted' }, ...tNodes('deliveries.next', { time: time(d.nextAttemptAt) })) : null,
        d.waitingFor ? h('span', { class: 'small block muted', title: d.waitingFor.message }, t('deliveries.waitingFor', { code: d.waitingFor.code })) : null,
      ),
      h('th', { scope: 'row' }, open, d.lastError && d.status !== 'sent' ? h('span', { class: 'small block err-text' }, d.lastError.reply ?? d.lastError.message) : null),
      h('td', { class: 'small', title: d.recipients.join(', ') }, recipientsText(d)),
      h('td', {}, d.connection.name ?? '—'),
      h('td', {}, t('deliveries.attemptsOf', { attempts: d.attempts, max: d.maxAttempts })),
      h('td', { class: 'small' }, time(d.createdAt)),
    );
  }

  function put(d: Delivery, where: 'append' | 'replace') {
    const old = rows.get(d.id);
    if (where === 'replace' && !old) return;
    const r = row(d);
    if (old) old.replaceWith(r);
    else tbody.append(r);
    rows.set(d.id, r);
  }

  /** Loads the first page (or, with `more`, the next one). `quiet` (a refresh) keeps the rows shown until the answer comes and as many of them. */
  async function load(more = false, quiet = false): Promise<void> {
    heading.textContent = t('deliveries.titleOf', { scope: state.scope });
    // A newer load (another filter, scope or refresh) wins over one still on its way.
    const mine = ++generation;
    const clear = () => {
      cursor = null;
      rows.clear();
      tbody.replaceChildren();
      notice.replaceChildren();
    };
    if (!more && !quiet) clear();
    try {
      const q = search.query();
      q.set('limit', String(quiet ? Math.min(500, Math.max(PAGE, rows.size)) : PAGE));
      if (more && cursor) q.set('cursor', cursor);
      const r = await api<{ items: Delivery[]; nextCursor: string | null }>('GET', scoped(state.scope, `deliveries?${q}`));
      if (mine !== generation) return;
      if (quiet) clear();
      for (const d of r.items) put(d, 'append');
      cursor = r.nextCursor;
    } catch (e) {
      if (mine !== generation) return;
      notice.replaceChildren(errorView(e));
      cursor = null;
    }
    moreBtn.hidden = !cursor;
    table.hidden = rows.size === 0;
    empty.hidden = rows.size > 0;
  }

  const refresh = () => Promise.all([load(false, true), dashboard.load()]);
  refreshBtn.addEventListener('click', () => void busy(refreshBtn, refresh));
  // Every 10 s while the page is in front and this tab is open (the Page Visibility API).
  const timer = setInterval(() => {
    // A new sign-in or language builds new tabs: this one's timer ends with its panel.
    if (!panel.isConnected) return clearInterval(timer);
    if (auto.checked && document.visibilityState === 'visible' && panel.isConnected && !panel.closest('[hidden]')) void refresh();
  }, AUTO_MS);
  moreBtn.addEventListener('click', () => void busy(moreBtn, () => load(true)));

  async function openDetail(id: string): Promise<void> {
    const content = h('div', { class: 'delivery-detail' }, h('p', { class: 'muted' }, t('common.loading')));
    const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const dlg = openDialog(t('delivery.title'), [live, content], { wide: true });
    let polling = false;

    const render = (d: DeliveryDetail) => {
      const retry = (d.status === 'failed' || d.status === 'unknown') && can.retry() ? h('button', { type: 'button', class: 'btn primary' }, t('delivery.retry')) : null;
      retry?.addEventListener('click', () =>
        void busy(retry, async () => {
          try {
            const q = await api<Delivery>('POST', scoped(state.scope, `deliveries/${encodeURIComponent(d.id)}/retry`));
            live.textContent = t('delivery.queuedAgain');
            render({ ...d, ...q, attemptLog: d.attemptLog, events: d.events });
            put(q, 'replace');
            void poll(d.id);
          } catch (e) {
            content.append(errorView(e));
          }
        }),
      );
      const e = d.lastError;
      const dl = h('dl', { class: 'facts' });
      const fact = (k: string, v: Node | string | null | undefined) => dl.append(h('dt', {}, k), h('dd', {}, v ?? '—'));
      fact(t('deliveries.col.status'), h('span', {}, statusBadge(d.status), polling ? h('span', { class: 'muted small' }, ` ${t('delivery.checking')}`) : null));
      fact(t('delivery.action'), d.action);
      fact(t('deliveries.col.connection'), d.connection.name ?? '—');
      fact(t('delivery.from'), d.from);
      fact(t('deliveries.col.recipients'), d.recipients.join(', '));
      if (d.accepted?.length) fact(t('delivery.accepted'), d.accepted.join(', '));
      if (d.rejected?.length) fact(t('delivery.rejected'), d.rejected.join(', '));
      fact(t('deliveries.col.attempts'), t('delivery.attemptsOf', { attempts: d.attempts, max: d.maxAttempts }));
      if (d.nextAttemptAt) fact(t('delivery.nextAttempt'), time(d.nextAttemptAt));
      if (d.waitingFor) fact(t('delivery.waiting'), h('span', {}, h('code', {}, d.waitingFor.code), ` ${d.waitingFor.message}`, d.waitingFor.hint ? h('span', { class: 'small block' }, d.waitingFor.hint) : null));
      fact(t('deliveries.col.created'), time(d.createdAt));
      fact(t('delivery.sent'), time(d.sentAt));
      if (d.size !== undefined) fact(t('delivery.size'), bytes(d.size));
      fact('Message-ID', d.messageId ? h('code', {}, d.messageId) : '—');
      if (d.dkim) fact('DKIM', h('span', {}, ...tNodes('delivery.dkimSigned', { domain: h('code', {}, d.dkim.domain), selector: h('code', {}, d.dkim.selector) })));
      if (d.response) fact(t('delivery.response'), h('code', { class: 'reply' }, d.response));
      fill(content, 
        h('h3', { class: 'detail-subject' }, d.subject ?? t('deliveries.noSubject')),
        dl,
        e && d.status !== 'sent'
          ? h(
              'div',
              { class: 'result fail' },
              h('p', { class: 'result-title' }, h('strong', {}, `✗ ${e.message}`), ' ', h('code', {}, e.code), e.responseCode ? ` · ${e.responseCode}` : ''),
              e.reply ? h('p', {}, t('common.serverReply'), h('code', { class: 'reply' }, e.reply)) : null,
              e.hint ? h('p', { class: 'result-hint' }, h('strong', {}, t('common.whatToDo')), e.hint) : null,
            )
          : null,
        timelineView(d, statusBadge),
        h('div', { class: 'actions' }, retry, h('button', { type: 'button', class: 'btn', onclick: () => dlg.close() }, t('common.close'))),
      );
    };

    const fetchOne = () => api<DeliveryDetail>('GET', scoped(state.scope, `deliveries/${encodeURIComponent(id)}`));

    /** After a retry: follows the delivery until the worker has tried it. */
    async function poll(deliveryId: string) {
      polling = true;
      const until = Date.now() + 30_000;
      while (dlg.dialog.open && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 700));
        try {
          const d = await api<DeliveryDetail>('GET', scoped(state.scope, `deliveries/${encodeURIComponent(deliveryId)}`));
          put(d, 'replace');
          if (d.status !== 'queued' && d.status !== 'sending') {
            polling = false;
            render(d);
            live.textContent = t('delivery.isNow', { status: statusName(d.status) });
            announce(t('delivery.announce', { subject: d.subject ?? d.id, status: statusName(d.status) }), d.status === 'sent' ? 'ok' : d.status === 'failed' ? 'error' : 'info');
            return;
          }
          render(d);
        } catch {
          break;
        }
      }
      polling = false;
    }

    try {
      const d = await fetchOne();
      render(d);
      put(d, 'replace');
    } catch (e) {
      content.replaceChildren(errorView(e));
    }
  }

  return { id: 'deliveries', label: t('deliveries.tab'), panel, show: () => Promise.all([load(), dashboard.load()]).then(() => undefined) };
}
