// The Mailbox tab (demo mode): mail caught by the local capture server, and one mail rendered
// in a sandboxed frame with its text, headers and attachments.

import { api, type CapturedMail } from './api.js';
import { errorView } from './connection-form.js';
import { announce, busy, bytes, confirmDialog, fill, h, mailFrame, time } from './dom.js';
import { can } from './state.js';
import type { Tab } from './tabs.js';

export function mailboxTab(): Tab {
  const refreshBtn = h('button', { type: 'button', class: 'btn' }, 'Refresh');
  const clearBtn = can.clearMailbox() ? h('button', { type: 'button', class: 'btn danger' }, 'Clear mailbox') : null;
  const info = h('p', { class: 'muted' });
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'mail-list', 'aria-label': 'Captured mail, newest first' });
  const detail = h('div', { class: 'mail-detail' }, h('p', { class: 'muted' }, 'Pick a mail to read it.'));
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, h('h2', {}, 'Mailbox'), h('div', { class: 'spacer' }), refreshBtn, clearBtn),
    info,
    notice,
    h('div', { class: 'mailbox' }, h('section', { 'aria-label': 'Mail list' }, list), h('section', { 'aria-label': 'Mail', class: 'mail-pane' }, detail)),
  );

  let mails: CapturedMail[] = [];
  let selected: string | undefined;

  function open(m: CapturedMail, focus = true) {
    selected = m.id;
    for (const b of list.querySelectorAll('button[aria-current]')) b.removeAttribute('aria-current');
    list.querySelector(`button[data-mail-id="${m.id}"]`)?.setAttribute('aria-current', 'true');
    const heading = h('h3', { tabindex: -1, class: 'detail-subject' }, m.subject || '(no subject)');
    fill(detail, 
      heading,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'From'),
        h('dd', {}, m.from),
        h('dt', {}, 'To'),
        h('dd', {}, m.to || m.envelope.to.join(', ')),
        m.cc ? h('dt', {}, 'Cc') : null,
        m.cc ? h('dd', {}, m.cc) : null,
        h('dt', {}, 'Envelope'),
        h('dd', { class: 'small' }, `${m.envelope.from} → ${m.envelope.to.join(', ')}`),
        h('dt', {}, 'Received'),
        h('dd', {}, time(m.receivedAt)),
        h('dt', {}, 'Size'),
        h('dd', {}, bytes(m.size)),
        h('dt', {}, 'Message-ID'),
        h('dd', {}, m.messageId ? h('code', {}, m.messageId) : '—'),
      ),
      m.html ? mailFrame(m.html, `Mail “${m.subject}”`) : h('p', { class: 'muted' }, 'This mail has no HTML part.'),
      h('details', { open: !m.html }, h('summary', {}, 'Text version'), h('pre', { class: 'mail-text', tabindex: 0 }, m.text)),
      m.attachments.length
        ? h('div', {}, h('h4', {}, `Attachments (${m.attachments.length})`), h('ul', {}, ...m.attachments.map((a) => h('li', {}, `${a.filename ?? '(no name)'} — ${a.contentType}, ${bytes(a.size)}${a.inline ? `, inline${a.contentId ? ` (cid ${a.contentId})` : ''}` : ''}`))))
        : null,
      h(
        'details',
        {},
        h('summary', {}, `Headers (${m.headers.length})`),
        h('table', { class: 'data compact headers' }, h('tbody', {}, ...m.headers.map((x) => h('tr', {}, h('th', { scope: 'row' }, x.name), h('td', {}, h('code', {}, x.value)))))),
      ),
    );
    if (focus) heading.focus();
  }

  async function load(): Promise<void> {
    try {
      const [demo, r] = await Promise.all([
        api<{ enabled: boolean; mailbox?: { host: string; port: number } }>('GET', '/demo'),
        api<{ items: CapturedMail[] }>('GET', '/demo/mailbox'),
      ]);
      info.textContent = demo.mailbox
        ? `Demo mode: mail sent through “Local capture” (SMTP ${demo.mailbox.host}:${demo.mailbox.port}) lands here instead of going out. The last 200 are kept in memory.`
        : '';
      mails = r.items;
      notice.replaceChildren();
    } catch (e) {
      notice.replaceChildren(errorView(e));
      return;
    }
    list.replaceChildren(
      ...mails.map((m) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'mail-item', 'data-mail-id': m.id, onclick: () => open(m) },
            h('span', { class: 'mail-subject' }, m.subject || '(no subject)'),
            h('span', { class: 'small block muted' }, `${m.from} → ${m.to}`),
            h('span', { class: 'small block muted' }, new Date(m.receivedAt).toLocaleString()),
          ),
        ),
      ),
    );
    if (!mails.length) {
      list.append(h('li', { class: 'empty' }, 'No mail yet. Send one from “Try an action” or a connection’s “Send test email”.'));
      detail.replaceChildren(h('p', { class: 'muted' }, 'Pick a mail to read it.'));
      selected = undefined;
    } else {
      // Keep the mail being read; else show the newest.
      open(mails.find((m) => m.id === selected) ?? mails[0]!, false);
    }
  }

  refreshBtn.addEventListener('click', () => void busy(refreshBtn, load));
  clearBtn?.addEventListener('click', async () => {
    if (!(await confirmDialog('Clear the mailbox?', 'Every captured mail is removed from the demo mailbox.', 'Clear mailbox'))) return;
    try {
      await api('DELETE', '/demo/mailbox');
      selected = undefined;
      announce('The demo mailbox is empty.', 'ok');
      await load();
    } catch (e) {
      notice.replaceChildren(errorView(e));
    }
  });

  return { id: 'mailbox', label: 'Mailbox', panel, show: load };
}
