// The add/edit connection dialog: generated from the connection schema, started from a preset,
// with port-aware hints, "same as sender", write-only secrets and Test connection before saving.

import { api, ApiError, getManifest, getPresets, scoped, type Connection, type Preset, type TestResult, type Warning } from './api.js';
import { append, busy, h, openDialog, uid } from './dom.js';
import { errorList, FormErrors, schemaForm } from './schema-form.js';

const SMTP_ONLY = ['host', 'port', 'secure', 'requireTLS', 'authMethod', 'user', 'userSameAsSender', 'password', 'caCertificate', 'allowInvalidCertificates'];
const M365_ONLY = ['tenantId', 'clientId', 'clientSecret'];
const SECRETS = ['password', 'clientSecret'];

// Where each field goes in the dialog; fields the schema adds later land in "Advanced".
const SECTIONS: Array<{ title: string; fields: string[]; advanced?: boolean }> = [
  { title: 'Connection', fields: ['name', 'provider', 'senderEmail', 'senderName', 'replyTo'] },
  { title: 'Server', fields: ['host', 'port', 'secure'] },
  { title: 'Sign-in', fields: ['authMethod', 'userSameAsSender', 'user', 'password'] },
  { title: 'Microsoft 365', fields: ['tenantId', 'clientId', 'clientSecret'] },
  { title: 'Advanced: TLS, certificates, rate limit, pool', fields: ['requireTLS', 'caCertificate', 'allowInvalidCertificates', 'rateLimit', 'pool'], advanced: true },
];

const STAGES: Record<string, string> = { dns: 'DNS lookup', connect: 'connect', tls: 'TLS', auth: 'sign-in (AUTH)', send: 'send', done: 'done' };
export const stageLabel = (stage: string): string => STAGES[stage] ?? stage;

const period = (s: number): string => ({ 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' })[s] ?? `${s} s`;

/** The port/Secure hint: what a well-known port expects, as a warning when Secure disagrees. */
export function portHint(port: number | undefined, secure: boolean): { text: string; warn: boolean } | null {
  if (port === 465) return secure ? { text: 'Port 465: Secure on (TLS from the first byte).', warn: false } : { text: 'Port 465 expects Secure on (TLS from the first byte). Turn Secure on, or use port 587 with Secure off.', warn: true };
  if (port === 587 || port === 2525) return !secure ? { text: `Port ${port}: STARTTLS, Secure off.`, warn: false } : { text: `Port ${port} expects STARTTLS: Secure off. Turn Secure off, or use port 465.`, warn: true };
  if (port === 25) return secure ? { text: 'Port 25 expects STARTTLS: Secure off.', warn: true } : { text: 'Port 25: STARTTLS when offered, Secure off; usually a relay without login.', warn: false };
  return null;
}

/** The result of a connection test or a test mail, styled as success or failure. */
export function resultView(r: TestResult, title: { ok: string; fail: string }): HTMLElement {
  const box = h('div', { class: `result ${r.ok ? 'ok' : 'fail'}` });
  append(
    box,
    h('p', { class: 'result-title' }, h('strong', {}, r.ok ? `✓ ${title.ok}` : `✗ ${title.fail}`), ` — stage: ${stageLabel(r.stage)}`, r.durationMs !== undefined ? `, ${r.durationMs} ms` : '', r.code ? ' ' : '', r.code ? h('code', {}, r.code) : null),
    h('p', { class: 'result-message' }, r.message),
    r.reply ? h('p', {}, 'Server reply: ', h('code', { class: 'reply' }, r.reply)) : null,
    r.hint ? h('p', { class: 'result-hint' }, h('strong', {}, 'What to do: '), r.hint) : null,
  );
  return box;
}

/** An API error in a result box: message, hint, and the details no field took. */
export function errorView(err: unknown, left?: Array<{ path: string; message: string }>): HTMLElement {
  const e = err instanceof ApiError ? err : new ApiError(0, 'ERROR', (err as Error)?.message ?? String(err));
  return h(
    'div',
    { class: 'result fail' },
    h('p', { class: 'result-title' }, h('strong', {}, `✗ ${e.message}`), ' ', h('code', {}, e.code)),
    e.hint ? h('p', { class: 'result-hint' }, h('strong', {}, 'What to do: '), e.hint) : null,
    (left ?? e.details).length ? errorList(left ?? e.details) : null,
  );
}

export function warningsView(warnings: Warning[]): HTMLElement | null {
  if (!warnings.length) return null;
  return h('ul', { class: 'warnings' }, ...warnings.map((w) => h('li', {}, h('strong', {}, w.message), w.hint ? ` — ${w.hint}` : '')));
}

/**
 * Opens the dialog to add (no `existing`) or edit a connection. `onSaved` gets the saved
 * connection with the API's warnings.
 */
export async function openConnectionForm(scope: string, existing: Connection | undefined, onSaved: (c: Connection) => void): Promise<void> {
  const [manifest, presets] = await Promise.all([getManifest(), getPresets()]);
  const schema = manifest.connector.settingsSchema;
  const form = schemaForm(schema, {
    idPrefix: 'conn',
    skip: ['isDefault'],
    applyDefaults: !existing,
    enumLabels: {
      provider: { smtp: 'SMTP server', microsoft365: 'Microsoft 365 (Graph, OAuth2)' },
      authMethod: { PLAIN: 'PLAIN', LOGIN: 'LOGIN', NONE: 'NONE (no sign-in, e.g. a relay)' },
    },
  });
  const result = h('div', { class: 'result-area', role: 'status', 'aria-live': 'polite' });
  const presetNote = h('div', { class: 'callout', hidden: true, id: uid('preset-note') });

  // Sections, in the dialog's order.
  const placed = new Set<string>();
  const sections = SECTIONS.map((sec) => {
    const fields = sec.fields.map((n) => form.field(n)).filter((f) => f !== undefined);
    fields.forEach((f) => placed.add(f.name));
    return { sec, fields };
  });
  const extra = form.fields.filter((f) => !placed.has(f.name));
  sections[sections.length - 1]!.fields.push(...extra);
  const sectionEls = new Map<string, HTMLElement>();
  const body = h('div', { class: 'conn-form' });
  for (const { sec, fields } of sections) {
    if (!fields.length) continue;
    const grid = h('div', { class: 'grid' }, ...fields.map((f) => f.wrapper));
    const el = sec.advanced
      ? h('details', { class: 'section advanced' }, h('summary', {}, sec.title), grid)
      : h('fieldset', { class: 'section' }, h('legend', {}, sec.title), grid);
    sectionEls.set(sec.title, el);
    body.append(el);
  }
  const advanced = body.querySelector<HTMLDetailsElement>('details.advanced');

  // Preset picker (new connections start from one).
  let presetSelect: HTMLSelectElement | undefined;
  const presetId = uid('preset');
  if (!existing) {
    presetSelect = h('select', { id: presetId, 'aria-describedby': presetNote.id }, h('option', { value: '' }, 'None: start empty'), ...presets.map((p) => h('option', { value: p.id }, p.label)));
    presetSelect.addEventListener('change', () => applyPreset(presets.find((p) => p.id === presetSelect!.value)));
  }

  const applyPreset = (p: Preset | undefined) => {
    presetNote.replaceChildren();
    presetNote.hidden = !p;
    if (!p) return;
    const keep = { name: form.field('name')?.read(), senderEmail: form.field('senderEmail')?.read(), senderName: form.field('senderName')?.read(), replyTo: form.field('replyTo')?.read() };
    const values: Record<string, unknown> = { secure: false, requireTLS: false, allowInvalidCertificates: false, userSameAsSender: false, ...keep, provider: p.provider, ...p.settings };
    if (p.suggestedRateLimit) values.rateLimit = { messages: p.suggestedRateLimit.messages, perSeconds: p.suggestedRateLimit.perSeconds };
    form.write(values);
    append(presetNote, h('p', {}, h('strong', {}, `${p.label}: `), p.note), p.suggestedRateLimit ? h('p', {}, `Rate limit set to ${p.suggestedRateLimit.messages} per ${period(p.suggestedRateLimit.perSeconds)}: ${p.suggestedRateLimit.reason}`) : null);
    update();
  };

  const get = (name: string) => form.field(name);
  const checkbox = (name: string) => (get(name)?.control as HTMLInputElement | undefined)?.checked === true;
  const valueOf = (name: string) => get(name)?.control?.value ?? '';

  /** Shows what applies to the provider, auth method and "same as sender", and the port hint. */
  function update() {
    const smtp = valueOf('provider') !== 'microsoft365';
    for (const n of SMTP_ONLY) get(n)?.setHidden(!smtp);
    for (const n of M365_ONLY) get(n)?.setHidden(smtp);
    const none = valueOf('authMethod') === 'NONE';
    get('userSameAsSender')?.setHidden(!smtp || none);
    get('password')?.setHidden(!smtp || none);
    get('user')?.setHidden(!smtp || none || checkbox('userSameAsSender'));
    sectionEls.get('Server')!.hidden = !smtp;
    sectionEls.get('Sign-in')!.hidden = !smtp;
    sectionEls.get('Microsoft 365')!.hidden = smtp;
    const port = Number(valueOf('port')) || undefined;
    const hint = smtp ? portHint(port, checkbox('secure')) : null;
    get('port')?.setNote(hint?.text ?? null, hint?.warn ? 'warn' : 'info');
  }

  // The saved values by field name, as the schema form reads and writes them.
  // The fallback shows as {id, name}; the form edits it by name (the API takes an id or a name).
  const saved: Record<string, unknown> | undefined = existing ? { ...existing, fallback: existing.fallback?.name } : undefined;
  if (existing) {
    form.write(saved!);
    for (const n of SECRETS) {
      const f = get(n);
      if (f && existing.hasSecret) {
        f.control?.setAttribute('placeholder', 'leave empty to keep');
        f.setNote(`Leave empty to keep the stored ${n === 'password' ? 'password' : 'client secret'}.`);
      }
    }
    if (advanced && ['caCertificate', 'allowInvalidCertificates', 'requireTLS', 'rateLimit', 'pool', 'fallback'].some((k) => saved![k] !== undefined && saved![k] !== false)) advanced.open = true;
  }
  body.addEventListener('input', update);
  body.addEventListener('change', update);
  update();

  /** The body to send: visible fields; on edit, emptied fields become null and empty secrets are left out. */
  const payload = (): Record<string, unknown> => {
    const values = form.read();
    if (saved) {
      for (const f of form.fields) {
        if (f.hidden || SECRETS.includes(f.name)) continue;
        if (values[f.name] === undefined && saved[f.name] !== undefined && saved[f.name] !== null) values[f.name] = null;
      }
    }
    return values;
  };

  /** Shows an API error: at its fields (the SECRET_REQUIRED hint next to the password) and in the box. */
  const showError = (err: unknown) => {
    form.clearErrors();
    let left: Array<{ path: string; message: string }> | undefined;
    if (err instanceof FormErrors) {
      left = form.showErrors(err.details);
      result.replaceChildren(errorView(new ApiError(0, 'INVALID_INPUT', 'Some fields cannot be read'), left));
    } else if (err instanceof ApiError) {
      if (err.code === 'SECRET_REQUIRED') {
        const secret = err.details[0]?.path === '/clientSecret' ? get('clientSecret') : get('password');
        secret?.setError(err.hint ?? err.message);
        left = err.details.filter((d) => d.path !== secret?.path);
      } else {
        left = form.showErrors(err.details);
      }
      result.replaceChildren(errorView(err, left));
    } else {
      result.replaceChildren(errorView(err));
    }
    const firstInvalid = body.querySelector<HTMLElement>('[aria-invalid=true]');
    if (firstInvalid) {
      const d = firstInvalid.closest('details');
      if (d) d.open = true;
      firstInvalid.focus();
    }
  };

  const testBtn = h('button', { type: 'button', class: 'btn' }, 'Test connection');
  const saveBtn = h('button', { type: 'submit', class: 'btn primary' }, existing ? 'Save changes' : 'Save connection');
  const cancelBtn = h('button', { type: 'button', class: 'btn', onclick: () => dlg.close() }, 'Cancel');

  testBtn.addEventListener('click', () =>
    busy(testBtn, async () => {
      result.replaceChildren(h('p', { class: 'muted' }, 'Testing…'));
      try {
        const values = payload();
        form.clearErrors();
        const r = await api<TestResult>('POST', scoped(scope, 'connections/test'), existing ? { ...values, id: existing.id } : values);
        result.replaceChildren(resultView(r, { ok: 'Connection works', fail: 'Connection test failed' }));
        if (!r.ok && r.stage === 'auth') get('password')?.setError(r.hint ?? r.message);
      } catch (err) {
        showError(err);
      }
    }),
  );

  const formEl = h('form', { class: 'dialog-form', novalidate: true });
  formEl.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(saveBtn, async () => {
      result.replaceChildren(h('p', { class: 'muted' }, 'Saving…'));
      try {
        const values = payload();
        form.clearErrors();
        const saved = existing
          ? await api<Connection>('PATCH', scoped(scope, `connections/${encodeURIComponent(existing.id)}`), values)
          : await api<Connection>('POST', scoped(scope, 'connections'), values);
        dlg.close();
        onSaved(saved);
      } catch (err) {
        showError(err);
      }
    });
  });

  append(
    formEl,
    presetSelect ? h('div', { class: 'field preset' }, h('label', { for: presetId }, 'Start from a preset'), presetSelect, presetNote) : null,
    body,
    result,
    h('div', { class: 'actions sticky' }, saveBtn, testBtn, cancelBtn),
  );
  const dlg = openDialog(existing ? `Edit connection “${existing.name}”` : 'Add a connection', [formEl], { wide: true });
}
