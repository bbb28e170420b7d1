// The Mailbox tab (sandbox mode, design.md "Sandbox"): the scope's sandbox settings, the mail it
// captured instead of sending, and one mail rendered in a sandboxed frame with its text, headers
// and attachments. Demo mode is a sandbox too: everything sent there lands here.

import { api, scoped, type CapturedMail, type MailboxItem } from './api.js';
import { errorView } from './error-view.js';
import { announce, busy, bytes, confirmDialog, fill, h, mailFrame, time } from './dom.js';
import { sandboxSettings } from './sandbox-settings.js';
import { state } from './state.js';
import { dateTime, t } from './i18n/index.js';
import type { Tab } from './tabs.js';

const PAGE = 100;

export function mailboxTab(): Tab {
  const heading = h('h2', {}, t('mailbox.title'));
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, t('common.refresh'));
  const clearBtn = h('button', { type: 'button', class: 'btn danger' }, t('mailbox.clear'));
  const settings = sandboxSettings();
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'mail-list', 'aria-label': t('mailbox.listLabel') });
  const detail = h('div', { class: 'mail-detail' }, h('p', { class: 'muted' }, t('mailbox.pick')));
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, heading, h('div', { class: 'spacer' }), refreshBtn, clearBtn),
    settings.element,
    notice,
    h('div', { class: 'mailbox' }, h('section', { 'aria-label': t('mailbox.list') }, list), h('section', { 'aria-label': t('mailbox.mail'), class: 'mail-pane' }, detail)),
  );

  let items: MailboxItem[] = [];
  let selected: string | undefined;

  async function open(item: MailboxItem, focus = true) {
    selected = item.id;
    for (const b of list.querySelectorAll('button[aria-current]')) b.removeAttribute('aria-current');
    list.querySelector(`button[data-mail-id="${item.id}"]`)?.setAttribute('aria-current', 'true');
    let m: CapturedMail;
    try {
      m = await api<CapturedMail>('GET', scoped(state.scope, `mailbox/${encodeURIComponent(item.id)}`));
    } catch (e) {
      fill(detail, errorView(e));
      return;
    }
    if (selected !== item.id) return;
    const msg = m.message;
    const subject = h('h3', { tabindex: -1, class: 'detail-subject' }, msg.subject || t('deliveries.noSubject'));
    fill(
      detail,
      subject,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('delivery.from')),
        h('dd', {}, msg.from),
        h('dt', {}, t('mailbox.to')),
        h('dd', {}, msg.to || m.to.join(', ')),
        msg.cc ? h('dt', {}, 'Cc') : null,
        msg.cc ? h('dd', {}, msg.cc) : null,
        h('dt', {}, t('mailbox.capturedFor')),
        h('dd', { class: 'small' }, m.to.join(', ')),
        h('dt', {}, t('mailbox.received')),
        h('dd', {}, time(m.receivedAt)),
        h('dt', {}, t('delivery.size')),
        h('dd', {}, bytes(m.size)),
        h('dt', {}, t('delivery.title')),
        h('dd', {}, h('code', {}, m.deliveryId)),
        h('dt', {}, 'Message-ID'),
        h('dd', {}, msg.messageId ? h('code', {}, msg.messageId) : '—'),
      ),
      msg.html ? mailFrame(msg.html, t('mailbox.frame', { subject: msg.subject ?? '' })) : h('p', { class: 'muted' }, t('mailbox.noHtml')),
      h('details', { open: !msg.html }, h('summary', {}, t('mailbox.text')), h('pre', { class: 'mail-text', tabindex: 0 }, msg.text)),
      msg.attachments.length
        ? h('div', {}, h('h4', {}, t('mailbox.attachments', { count: msg.attachments.length })), h('ul', {}, ...msg.attachments.map((a) => h('li', {}, `${a.filename ?? t('mailbox.noName')} — ${a.contentType}, ${bytes(a.size)}${a.inline ? `, ${t('mailbox.inline')}${a.contentId ? ` (cid ${a.contentId})` : ''}` : ''}`))))
        : null,
      h(
        'details',
        {},
        h('summary', {}, t('mailbox.headers', { count: msg.headers.length })),
        h('table', { class: 'data compact headers' }, h('tbody', {}, ...msg.headers.map((x) => h('tr', {}, h('th', { scope: 'row' }, x.name), h('td', {}, h('code', {}, x.value)))))),
      ),
    );
    if (focus) subject.focus();
  }

  async function load(): Promise<void> {
    heading.textContent = t('mailbox.titleOf', { scope: state.scope });
    void settings.load();
    try {
      items = (await api<{ items: MailboxItem[] }>('GET', `${scoped(state.scope, 'mailbox')}?limit=${PAGE}`)).items;
      notice.replaceChildren();
    } catch (e) {
      notice.replaceChildren(errorView(e));
      return;
    }
    list.replaceChildren(
      ...items.map((m) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'mail-item', 'data-mail-id': m.id, onclick: () => void open(m) },
            h('span', { class: 'mail-subject' }, m.subject || t('deliveries.noSubject')),
            h('span', { class: 'small block muted' }, `${m.from} → ${m.to.join(', ')}`),
            h('span', { class: 'small block muted' }, dateTime(new Date(m.receivedAt))),
          ),
        ),
      ),
    );
    if (!items.length) {
      list.append(h('li', { class: 'empty' }, t('mailbox.empty', { tryAction: t('try.tab'), testEmail: t('connections.testEmail') })));
      detail.replaceChildren(h('p', { class: 'muted' }, t('mailbox.pick')));
      selected = undefined;
    } else {
      // Keep the mail being read; else show the newest.
      await open(items.find((m) => m.id === selected) ?? items[0]!, false);
    }
  }

  refreshBtn.addEventListener('click', () => void busy(refreshBtn, load));
  clearBtn.addEventListener('click', async () => {
    if (!(await confirmDialog(t('mailbox.clearTitle'), t('mailbox.clearConfirm', { scope: state.scope }), t('mailbox.clear')))) return;
    try {
      await api('DELETE', scoped(state.scope, 'mailbox'));
      selected = undefined;
      announce(t('mailbox.cleared'), 'ok');
      await load();
    } catch (e) {
      notice.replaceChildren(errorView(e));
    }
  });

  return { id: 'mailbox', label: t('mailbox.tab'), panel, show: load };
}
