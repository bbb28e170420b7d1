// The "Try an action" tab: pick an action, fill the form generated from its input schema, then
// Validate, Preview (the rendered mail in a sandboxed frame) and Send (execute; admins).

import { api, ApiError, getManifest, scoped, type Connection, type ManifestAction } from './api.js';
import { errorView } from './connection-form.js';
import { statusBadge } from './deliveries.js';
import { append, busy, bytes, downloadLink, h, mailFrame, uid } from './dom.js';
import { FormErrors, schemaForm, type SchemaForm } from './schema-form.js';
import { can, state } from './state.js';
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
  const validateBtn = h('button', { type: 'button', class: 'btn' }, 'Validate');
  const previewBtn = h('button', { type: 'button', class: 'btn' }, 'Preview');
  const sendBtn = h('button', { type: 'submit', class: 'btn primary' }, 'Send');
  const output = h('div', { class: 'output' }, h('p', { class: 'muted' }, 'Validate or preview the input to see the result here.'));
  // Results can be long (a whole mail); screen readers hear a one-line summary instead.
  const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const say = (text: string) => {
    live.textContent = text;
  };
  const formEl = h('form', { novalidate: true, class: 'action-form' });
  append(formEl, h('div', { class: 'field' }, h('label', { for: selectId }, 'Action'), select, about), formHost, h('div', { class: 'actions sticky' }, validateBtn, previewBtn, can.execute() ? sendBtn : null));
  const heading = h('h2', {}, 'Try an action');
  const panel = h('div', {}, h('div', { class: 'toolbar' }, heading), h('div', { class: 'two-col' }, h('section', { 'aria-label': 'Input' }, formEl), h('section', { 'aria-labelledby': `${selectId}-out` }, h('h3', { id: `${selectId}-out` }, 'Result'), live, output)));

  let actions: ManifestAction[] = [];
  let current: ManifestAction | undefined;
  let form: SchemaForm | undefined;
  let connectionNames: string[] = [];

  function build() {
    current = actions.find((a) => a.key === select.value);
    formHost.replaceChildren();
    output.replaceChildren(h('p', { class: 'muted' }, 'Validate or preview the input to see the result here.'));
    if (!current) return;
    about.textContent = current.description;
    form = schemaForm(current.inputSchema, { idPrefix: `act-${current.key}`, suggestions: { connections: connectionNames } });
    formHost.append(form.element);
    const primary = PRIMARY[current.key];
    if (primary) {
      const rest = form.fields.filter((f) => !primary.includes(f.name) && !f.required);
      if (rest.length) form.element.append(h('details', { class: 'more-fields' }, h('summary', {}, `More fields (${rest.map((f) => f.schema.title ?? f.name).join(', ')})`), h('div', { class: 'schema-form' }, ...rest.map((f) => f.wrapper))));
    }
    const isFile = current.key === 'create-ics';
    sendBtn.textContent = isFile ? 'Create file' : 'Send';
  }
  select.addEventListener('change', build);

  /** The form's input, or undefined after showing why it cannot be read. */
  function input(): Record<string, unknown> | undefined {
    if (!form) return undefined;
    form.clearErrors();
    try {
      return form.read();
    } catch (e) {
      if (e instanceof FormErrors) showErrors(new ApiError(0, 'INVALID_INPUT', 'Some fields cannot be read'), e.details);
      else throw e;
      return undefined;
    }
  }

  function showErrors(err: unknown, details?: Array<{ path: string; message: string }>) {
    const all = details ?? (err instanceof ApiError ? err.details : []);
    const left = form ? form.showErrors(all) : all;
    for (const d of formHost.querySelectorAll('details')) if (d.querySelector('[aria-invalid=true]')) d.open = true;
    output.replaceChildren(errorView(err, left));
    say(`${err instanceof Error ? err.message : 'Error'}${all.length ? `: ${all.length} problem(s), marked at the fields` : ''}`);
    if (all.length > left.length) output.append(h('p', { class: 'small' }, 'The fields with a problem are marked in the form.'));
  }

  const path = (what: string) => scoped(state.scope, `actions/${encodeURIComponent(current!.key)}/${what}`);

  validateBtn.addEventListener('click', () =>
    void busy(validateBtn, async () => {
      const body = input();
      if (!body) return;
      try {
        const r = await api<{ valid: boolean; errors: Array<{ path: string; message: string }>; error?: { code: string; message: string; hint?: string } }>('POST', path('validate'), { input: body });
        if (r.valid) {
          output.replaceChildren(h('div', { class: 'result ok' }, h('p', {}, h('strong', {}, '✓ The input is valid.'), ' Preview shows what would be sent.')));
          say('The input is valid.');
        }
        else showErrors(new ApiError(400, r.error?.code ?? 'VALIDATION_FAILED', r.error?.message ?? 'The input is not valid', r.error?.hint ?? null, r.errors), r.errors);
      } catch (e) {
        showErrors(e);
      }
    }),
  );

  previewBtn.addEventListener('click', () =>
    void busy(previewBtn, async () => {
      const body = input();
      if (!body) return;
      output.replaceChildren(h('p', { class: 'muted' }, 'Rendering…'));
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
      output.replaceChildren(h('p', { class: 'muted' }, current!.key === 'create-ics' ? 'Creating…' : 'Sending…'));
      try {
        const r = await api<Record<string, any>>('POST', `${path('execute')}?wait=10`, { input: body });
        if (typeof r.filename === 'string' && typeof r.content === 'string') {
          output.replaceChildren(h('div', { class: 'result ok' }, h('p', {}, h('strong', {}, `✓ Created ${r.filename}`), ` (${r.contentType})`), h('p', {}, downloadLink(r.filename, String(r.contentType), r.content))));
          say(`Created ${r.filename}; a download link is in the result.`);
          return;
        }
        // captured: sandbox mode kept it from every recipient; it is in the Mailbox tab.
        const done = r.status === 'sent' || r.status === 'captured';
        const ok = done || r.status === 'queued' || r.status === 'sending';
        say(`Delivery ${r.deliveryId}: ${r.status}.`);
        output.replaceChildren(
          h(
            'div',
            { class: `result ${done ? 'ok' : ok ? '' : 'fail'}` },
            h('p', { class: 'result-title' }, h('strong', {}, r.status === 'sent' ? '✓ Sent' : r.status === 'captured' ? '✓ Captured' : ok ? 'Queued' : `✗ ${r.status}`), ' — status ', statusBadge(String(r.status))),
            r.status === 'captured' ? h('p', { class: 'small' }, 'Sandbox mode: nothing was sent; the Mailbox tab shows the mail.') : null,
            h('p', {}, 'Delivery ', h('code', { class: 'delivery-id' }, String(r.deliveryId))),
            r.messageId ? h('p', { class: 'small' }, 'Message-ID ', h('code', {}, String(r.messageId))) : null,
            r.accepted?.length ? h('p', { class: 'small' }, `Accepted: ${r.accepted.join(', ')}`) : null,
            r.rejected?.length ? h('p', { class: 'small' }, `Rejected: ${r.rejected.join(', ')}`) : null,
            r.error ? h('p', {}, r.error.message, r.error.reply ? h('code', { class: 'reply block' }, r.error.reply) : null) : null,
            r.error?.hint ? h('p', { class: 'result-hint' }, h('strong', {}, 'What to do: '), r.error.hint) : null,
            h('p', { class: 'small muted' }, 'The Deliveries tab shows every attempt.'),
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
        h('dl', { class: 'facts' }, h('dt', {}, 'File'), h('dd', {}, p.file.filename), h('dt', {}, 'Content type'), h('dd', {}, p.file.contentType)),
        h('pre', { class: 'mail-text', tabindex: 0, 'aria-label': 'File content' }, p.file.content),
      );
    } else {
      parts.push(
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Subject'),
          h('dd', { class: 'preview-subject' }, p.subject ?? '—'),
          h('dt', {}, 'Connection'),
          h('dd', {}, p.connection ? `${p.connection.name} (${p.connection.provider})` : 'none: this scope has no default connection'),
          h('dt', {}, 'MIME size'),
          h('dd', {}, bytes(p.mimeSize)),
          p.attachments?.length ? h('dt', {}, 'Attachments') : null,
          p.attachments?.length ? h('dd', {}, p.attachments.map((a) => `${a.filename} (${a.contentType ?? '?'}, ${bytes(a.size)}${a.inline ? ', inline' : ''})`).join('; ')) : null,
          p.calendar ? h('dt', {}, 'Calendar') : null,
          p.calendar ? h('dd', {}, `invite (${p.calendar.method})`) : null,
        ),
        p.html ? h('h4', {}, 'HTML') : null,
        p.html ? mailFrame(p.html, `Preview of “${p.subject ?? ''}”`) : null,
        h('details', { open: !p.html }, h('summary', {}, 'Text version'), h('pre', { class: 'mail-text', tabindex: 0 }, p.text ?? '')),
        p.calendar ? h('details', {}, h('summary', {}, 'Calendar (.ics)'), h('pre', { class: 'mail-text', tabindex: 0 }, p.calendar.content)) : null,
      );
    }
    const warn = p.warnings.length ? h('ul', { class: 'warnings' }, ...p.warnings.map((w) => h('li', {}, h('strong', {}, w.message), w.hint ? ` — ${w.hint}` : ''))) : null;
    output.replaceChildren(warn ?? '', ...parts.filter((x): x is Node => x !== null));
    say(p.file ? `Preview of ${p.file.filename} ready.` : `Preview ready: subject ${p.subject ?? ''}.`);
  }

  async function show(): Promise<void> {
    heading.textContent = `Try an action in ${state.scope}`;
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

  return { id: 'actions', label: 'Try an action', panel, show };
}
