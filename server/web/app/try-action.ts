// The "Try an action" tab: pick an action, fill the form generated from its input schema, then
// Validate, Preview (the rendered mail in a sandboxed frame) and Send (execute; admins).

import { api, ApiError, getManifest, scoped, type Connection, type ManifestAction } from './api.js';
import { errorView, errorWords, fieldWords } from './error-view.js';
import { statusBadge, statusName } from './deliveries.js';
import { append, busy, bytes, downloadLink, h, mailFrame, uid } from './dom.js';
import { FormErrors, schemaForm, type SchemaForm } from './schema-form.js';
import { can, state } from './state.js';
import { t } from './i18n/index.js';
import type { Tab } from './tabs.js';

interface Preview {
  subject?: string;
  html?: string | null;
  text?: string;
  connection: { id: string; name: string; provider: string } | null;
  mimeSize?: number;
  attachments?: Array<{ filename: string; contentType?: string; size: number; inline: boolean }>;
  calendar?: { method: string; content: string } | null;
  file?: { filename: string; contentType: string; content: string };
  warnings: Array<{ code: string; message: string; hint?: string }>;
}

// Fields shown first; the others of these actions wait under "More fields".
const PRIMARY: Record<string, string[]> = {
  'send-email': ['connection', 'to', 'subject', 'html', 'text', 'data'],
};

export function tryActionTab(): Tab {
  const selectId = uid('action');
  const select = h('select', { id: selectId });
  const about = h('p', { class: 'muted' });
  const formHost = h('div');
  const validateBtn = h('button', { type: 'button', class: 'btn' }, t('try.validate'));
  const previewBtn = h('button', { type: 'button', class: 'btn' }, t('try.preview'));
  const sendBtn = h('button', { type: 'submit', class: 'btn primary' }, t('try.send'));
  const output = h('div', { class: 'output' }, h('p', { class: 'muted' }, t('try.placeholder')));
  // Results can be long (a whole mail); screen readers hear a one-line summary instead.
  const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const say = (text: string) => {
    live.textContent = text;
  };
  const formEl = h('form', { novalidate: true, class: 'action-form' });
  append(formEl, h('div', { class: 'field' }, h('label', { for: selectId }, t('delivery.action')), select, about), formHost, h('div', { class: 'actions sticky' }, validateBtn, previewBtn, can.execute() ? sendBtn : null));
  const heading = h('h2', {}, t('try.tab'));
  const panel = h('div', {}, h('div', { class: 'toolbar' }, heading), h('div', { class: 'two-col' }, h('section', { 'aria-label': t('try.input') }, formEl), h('section', { 'aria-labelledby': `${selectId}-out` }, h('h3', { id: `${selectId}-out` }, t('try.result')), live, output)));

  let actions: ManifestAction[] = [];
  let current: ManifestAction | undefined;
  let form: SchemaForm | undefined;
  let connectionNames: string[] = [];

  function build() {
    current = actions.find((a) => a.key === select.value);
    formHost.replaceChildren();
    output.replaceChildren(h('p', { class: 'muted' }, t('try.placeholder')));
    if (!current) return;
    about.textContent = current.description;
    form = schemaForm(current.inputSchema, { idPrefix: `act-${current.key}`, suggestions: { connections: connectionNames } });
    formHost.append(form.element);
    const primary = PRIMARY[current.key];
    if (primary) {
      const rest = form.fields.filter((f) => !primary.includes(f.name) && !f.required);
      if (rest.length) form.element.append(h('details', { class: 'more-fields' }, h('summary', {}, t('try.moreFields', { fields: rest.map((f) => f.schema.title ?? f.name).join(', ') })), h('div', { class: 'schema-form' }, ...rest.map((f) => f.wrapper))));
    }
    const isFile = current.key === 'create-ics';
    sendBtn.textContent = isFile ? t('try.createFile') : t('try.send');
  }
  select.addEventListener('change', build);

  /** The form's input, or undefined after showing why it cannot be read. */
  function input(): Record<string, unknown> | undefined {
    if (!form) return undefined;
    form.clearErrors();
    try {
      return form.read();
    } catch (e) {
      if (e instanceof FormErrors) showErrors(new ApiError(0, 'INVALID_INPUT', t('form.unreadable')), e.details);
      else throw e;
      return undefined;
    }
  }

  function showErrors(err: unknown, details?: Array<{ path: string; message: string }>) {
    // The server's field messages are English: its fields are marked in the page's words (error-view.ts).
    const all = err instanceof ApiError && err.status !== 0 ? fieldWords(err) : (details ?? (err instanceof ApiError ? err.details : []));
    const left = form ? form.showErrors(all) : all;
    for (const d of formHost.querySelectorAll('details')) if (d.querySelector('[aria-invalid=true]')) d.open = true;
    output.replaceChildren(errorView(err, left));
    say(`${err instanceof ApiError ? errorWords(err).title : err instanceof Error ? err.message : t('try.error')}${all.length ? `: ${t('try.problems', { count: all.length })}` : ''}`);
    if (all.length > left.length) output.append(h('p', { class: 'small' }, t('try.marked')));
  }

  const path = (what: string) => scoped(state.scope, `actions/${encodeURIComponent(current!.key)}/${what}`);

  validateBtn.addEventListener('click', () =>
    void busy(validateBtn, async () => {
      const body = input();
      if (!body) return;
      try {
        const r = await api<{ valid: boolean; errors: Array<{ path: string; message: string }>; error?: { code: string; message: string; hint?: string } }>('POST', path('validate'), { input: body });
        if (r.valid) {
          output.replaceChildren(h('div', { class: 'result ok' }, h('p', {}, h('strong', {}, `✓ ${t('try.valid')}`), ` ${t('try.validHint')}`)));
          say(t('try.valid'));
        }
        else showErrors(new ApiError(400, r.error?.code ?? 'VALIDATION_FAILED', r.error?.message ?? t('try.invalid'), r.error?.hint ?? null, r.errors), r.errors);
      } catch (e) {
        showErrors(e);
      }
    }),
  );

  previewBtn.addEventListener('click', () =>
    void busy(previewBtn, async () => {
      const body = input();
      if (!body) return;
      output.replaceChildren(h('p', { class: 'muted' }, t('try.rendering')));
      try {
        renderPreview(await api<Preview>('POST', path('preview'), { input: body }));
      } catch (e) {
        showErrors(e);
      }
    }),
  );

  formEl.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!can.execute() || !current) return;
    void busy(sendBtn, async () => {
      const body = input();
      if (!body) return;
      output.replaceChildren(h('p', { class: 'muted' }, current!.key === 'create-ics' ? t('try.creating') : t('common.sending')));
      try {
        const r = await api<Record<string, any>>('POST', `${path('execute')}?wait=10`, { input: body });
        if (typeof r.filename === 'string' && typeof r.content === 'string') {
          output.replaceChildren(h('div', { class: 'result ok' }, h('p', {}, h('strong', {}, `✓ ${t('try.created', { filename: r.filename })}`), ` (${r.contentType})`), h('p', {}, downloadLink(r.filename, String(r.contentType), r.content))));
          say(t('try.createdSay', { filename: r.filename }));
          return;
        }
        // captured: sandbox mode kept it from every recipient; it is in the Mailbox tab.
        const done = r.status === 'sent' || r.status === 'captured';
        const ok = done || r.status === 'queued' || r.status === 'sending';
        say(t('try.deliverySay', { id: String(r.deliveryId), status: statusName(String(r.status)) }));
        output.replaceChildren(
          h(
            'div',
            { class: `result ${done ? 'ok' : ok ? '' : 'fail'}` },
            h('p', { class: 'result-title' }, h('strong', {}, r.status === 'sent' ? `✓ ${t('try.sent')}` : r.status === 'captured' ? `✓ ${t('try.captured')}` : ok ? t('try.queued') : `✗ ${statusName(String(r.status))}`), ` — ${t('try.status')} `, statusBadge(String(r.status))),
            r.status === 'captured' ? h('p', { class: 'small' }, t('try.sandbox')) : null,
            h('p', {}, `${t('delivery.title')} `, h('code', { class: 'delivery-id' }, String(r.deliveryId))),
            r.messageId ? h('p', { class: 'small' }, 'Message-ID ', h('code', {}, String(r.messageId))) : null,
            r.accepted?.length ? h('p', { class: 'small' }, `${t('delivery.accepted')}: ${r.accepted.join(', ')}`) : null,
            r.rejected?.length ? h('p', { class: 'small' }, `${t('delivery.rejected')}: ${r.rejected.join(', ')}`) : null,
            r.error ? h('p', {}, r.error.message, r.error.reply ? h('code', { class: 'reply block' }, r.error.reply) : null) : null,
            r.error?.hint ? h('p', { class: 'result-hint' }, h('strong', {}, t('common.whatToDo')), r.error.hint) : null,
            h('p', { class: 'small muted' }, t('try.seeDeliveries')),
          ),
        );
      } catch (e) {
        showErrors(e);
      }
    });
  });

  function renderPreview(p: Preview) {
    const parts: Array<Node | null> = [];
    if (p.file) {
      parts.push(
        h('dl', { class: 'facts' }, h('dt', {}, t('try.file')), h('dd', {}, p.file.filename), h('dt', {}, t('try.contentType')), h('dd', {}, p.file.contentType)),
        h('pre', { class: 'mail-text', tabindex: 0, 'aria-label': t('try.fileContent') }, p.file.content),
      );
    } else {
      parts.push(
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('deliveries.col.subject')),
          h('dd', { class: 'preview-subject' }, p.subject ?? '—'),
          h('dt', {}, t('deliveries.col.connection')),
          h('dd', {}, p.connection ? `${p.connection.name} (${p.connection.provider})` : t('try.noConnection')),
          h('dt', {}, t('try.mimeSize')),
          h('dd', {}, bytes(p.mimeSize)),
          p.attachments?.length ? h('dt', {}, t('try.attachments')) : null,
          p.attachments?.length ? h('dd', {}, p.attachments.map((a) => `${a.filename} (${a.contentType ?? '?'}, ${bytes(a.size)}${a.inline ? `, ${t('mailbox.inline')}` : ''})`).join('; ')) : null,
          p.calendar ? h('dt', {}, t('try.calendar')) : null,
          p.calendar ? h('dd', {}, t('try.invite', { method: p.calendar.method })) : null,
        ),
        p.html ? h('h4', {}, 'HTML') : null,
        p.html ? mailFrame(p.html, t('try.previewOf', { subject: p.subject ?? '' })) : null,
        h('details', { open: !p.html }, h('summary', {}, t('mailbox.text')), h('pre', { class: 'mail-text', tabindex: 0 }, p.text ?? '')),
        p.calendar ? h('details', {}, h('summary', {}, t('try.calendarIcs')), h('pre', { class: 'mail-text', tabindex: 0 }, p.calendar.content)) : null,
      );
    }
    const warn = p.warnings.length ? h('ul', { class: 'warnings' }, ...p.warnings.map((w) => h('li', {}, h('strong', {}, w.message), w.hint ? ` — ${w.hint}` : ''))) : null;
    output.replaceChildren(warn ?? '', ...parts.filter((x): x is Node => x !== null));
    say(p.file ? t('try.previewFileReady', { filename: p.file.filename }) : t('try.previewReady', { subject: p.subject ?? '' }));
  }

  async function show(): Promise<void> {
    heading.textContent = t('try.titleIn', { scope: state.scope });
    try {
      const [m, conns] = await Promise.all([getManifest(), api<{ items: Connection[] }>('GET', scoped(state.scope, 'connections')).catch(() => ({ items: [] as Connection[] }))]);
      actions = m.actions;
      connectionNames = conns.items.map((c) => c.name);
    } catch (e) {
      output.replaceChildren(errorView(e));
      return;
    }
    const keep = select.value;
    if (select.options.length !== actions.length) select.replaceChildren(...actions.map((a) => h('option', { value: a.key }, a.title)));
    if (keep && actions.some((a) => a.key === keep)) select.value = keep;
    // Keep what was typed when coming back to the tab; rebuild when the action list changed.
    if (!form || current?.key !== select.value) build();
    else {
      const list = formHost.querySelector('datalist[id*=connection]');
      if (list) list.replaceChildren(...connectionNames.map((n) => h('option', { value: n })));
    }
  }

  return { id: 'actions', label: t('try.tab'), panel, show };
}
