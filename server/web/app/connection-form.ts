// The add/edit connection dialog: built from the connection schema and its annotations alone
// (connection-layout.ts, annotations.ts), started from a preset, with write-only secrets and
// Test connection before saving.

import { api, ApiError, getManifest, getPresets, scoped, type Connection, type Preset, type TestResult, type Warning } from './api.js';
import { append, busy, h, openDialog, uid } from './dom.js';
import { connectionLayout } from './connection-layout.js';
import { errorView, errorWords, fieldWords } from './error-view.js';
import { FormErrors } from './schema-form.js';
import { testProgress } from './test-progress.js';
import { testWithStages } from './test-stream.js';
import { language, t, type Key } from './i18n/index.js';

const STAGES = ['dns', 'connect', 'tls', 'auth', 'send', 'done'];
export const stageLabel = (stage: string): string => (STAGES.includes(stage) ? t(`stage.${stage}` as Key) : stage);

const PERIODS: Record<number, Key> = { 1: 'form.perSecond', 60: 'form.perMinute', 3600: 'form.perHour', 86400: 'form.perDay' };
const period = (s: number): string => t(PERIODS[s] ?? 'form.perSeconds', { count: s });

/** The result of a connection test or a test mail, styled as success or failure. */
export function resultView(r: TestResult, title: { ok: string; fail: string }): HTMLElement {
  const box = h('div', { class: `result ${r.ok ? 'ok' : 'fail'}` });
  append(
    box,
    h('p', { class: 'result-title' }, h('strong', {}, r.ok ? `✓ ${title.ok}` : `✗ ${title.fail}`), ` — ${t('form.stage', { stage: stageLabel(r.stage) })}`, r.durationMs !== undefined ? `, ${t('common.ms', { ms: String(r.durationMs) })}` : '', r.code ? ' ' : '', r.code ? h('code', {}, r.code) : null),
    h('p', { class: 'result-message' }, r.message),
    r.reply ? h('p', {}, t('common.serverReply'), h('code', { class: 'reply' }, r.reply)) : null,
    r.hint ? h('p', { class: 'result-hint' }, h('strong', {}, t('common.whatToDo')), r.hint) : null,
  );
  return box;
}

/** A list of the API's warnings; with `onFix`, a warning that carries a `fix` gets its button. */
export function warningsView(warnings: Warning[], onFix?: (w: Warning, button: HTMLButtonElement) => void): HTMLElement | null {
  if (!warnings.length) return null;
  const item = (w: Warning) => {
    const fix = w.fix && onFix ? h('button', { type: 'button', class: 'btn small fix' }, w.fix.label) : null;
    fix?.addEventListener('click', () => onFix!(w, fix));
    return h('li', { 'data-code': w.code }, h('strong', {}, w.message), w.hint ? ` — ${w.hint}` : '', fix ? ' ' : '', fix);
  };
  return h('ul', { class: 'warnings' }, ...warnings.map(item));
}

/**
 * Opens the dialog to add (no `existing`) or edit a connection. `connections` are the scope's
 * connections (the fallback picker offers the others). `onSaved` gets the saved connection with
 * the API's warnings. `fixCode` applies the fix of the saved connection's warning with that code.
 */
export async function openConnectionForm(scope: string, existing: Connection | undefined, onSaved: (c: Connection) => void, connections: Connection[] = [], fixCode?: string): Promise<void> {
  const [manifest, presets] = await Promise.all([getManifest(), getPresets()]);
  const others = connections.filter((c) => c.id !== existing?.id).map((c) => ({ value: c.id, label: c.name }));
  const layout = connectionLayout(manifest.connector.settingsSchema, { skip: ['isDefault'], applyDefaults: !existing, choices: { connections: others } });
  const body = layout.body;
  const result = h('div', { class: 'result-area', role: 'status', 'aria-live': 'polite' });
  const presetNote = h('div', { class: 'callout', hidden: true, id: uid('preset-note') });

  // Preset picker (new connections start from one).
  let presetSelect: HTMLSelectElement | undefined;
  const presetId = uid('preset');
  if (!existing) {
    presetSelect = h('select', { id: presetId, 'aria-describedby': presetNote.id }, h('option', { value: '' }, t('form.noPreset')), ...presets.map((p) => h('option', { value: p.id }, p.label)));
    presetSelect.addEventListener('change', () => applyPreset(presets.find((p) => p.id === presetSelect!.value)));
  }

  const applyPreset = (p: Preset | undefined) => {
    presetNote.replaceChildren();
    presetNote.hidden = !p;
    if (!p) return;
    const keep = Object.fromEntries(['name', 'senderEmail', 'senderName', 'replyTo'].map((n) => [n, layout.field(n)?.read()]));
    // The provider first, so its defaults and the preset's settings land in its own fields.
    layout.write({ ...keep, provider: p.provider });
    const values: Record<string, unknown> = { ...layout.defaults(), ...keep, provider: p.provider, ...p.settings };
    if (p.suggestedRateLimit) values.rateLimit = { messages: p.suggestedRateLimit.messages, perSeconds: p.suggestedRateLimit.perSeconds };
    layout.write(values);
    append(presetNote, h('p', {}, h('strong', {}, `${p.label}: `), p.note), p.suggestedRateLimit ? h('p', {}, t('form.rateLimitSet', { count: p.suggestedRateLimit.messages, period: period(p.suggestedRateLimit.perSeconds), reason: p.suggestedRateLimit.reason })) : null);
    layout.update();
  };

  // The saved values by field name; the fallback shows as {id, name} and is picked by id.
  const saved: Record<string, unknown> | undefined = existing ? { ...existing, fallback: existing.fallback?.id } : undefined;
  if (existing) {
    layout.write(saved!);
    if (existing.hasSecret) {
      // The stored secret is the one these settings show (SMTP: the password, or with XOAUTH2
      // the client secret); a secret a fix or an edit reveals later has nothing stored to keep.
      layout.update();
      for (const f of layout.secrets()) {
        f.control?.setAttribute('placeholder', t('form.keepPlaceholder'));
        f.setNote(typeof f.schema.title === 'string' ? t('form.keepStored', { field: language() === 'de' ? f.schema.title : f.schema.title.toLowerCase() }) : t('form.keepSecret'));
      }
    }
  }
  // The saved connection's warnings; a warning's fix writes its settings into this form (the
  // others kept) and moves to the first field it reveals, to be filled in before saving.
  const applyFix = (w: Warning, button: HTMLButtonElement) => {
    const before = new Set(layout.fields().filter((f) => !f.hidden));
    for (const [name, value] of Object.entries(w.fix?.set ?? {})) layout.field(name)?.write(value);
    layout.update();
    button.replaceWith(h('span', { class: 'fixed' }, t('form.fixApplied', { fix: w.fix!.label })));
    layout.fields().find((f) => !f.hidden && !before.has(f))?.control?.focus();
  };
  const warned = existing ? warningsView(existing.warnings ?? [], applyFix) : null;
  const warnings = warned ? h('div', { class: 'callout warn' }, h('p', {}, h('strong', {}, t('form.warnings'))), warned) : null;
  body.addEventListener('input', layout.update);
  body.addEventListener('change', layout.update);
  layout.update();
  if (saved) layout.openWhereSet(saved);

  /** The body to send: visible fields; on edit, emptied fields become null and empty secrets are left out. */
  const payload = (): Record<string, unknown> => {
    const values = layout.read();
    if (saved) {
      for (const f of layout.fields()) {
        if (f.hidden || f.kind === 'password') continue;
        if (values[f.name] === undefined && saved[f.name] !== undefined && saved[f.name] !== null) values[f.name] = null;
      }
    }
    return values;
  };

  /** Shows an API error: at its fields (SECRET_REQUIRED at the secret it names) and in the box. */
  const showError = (err: unknown) => {
    layout.clearErrors();
    let left: Array<{ path: string; message: string }> | undefined;
    if (err instanceof FormErrors) {
      left = layout.showErrors(err.details);
      result.replaceChildren(errorView(new ApiError(0, 'INVALID_INPUT', t('form.unreadable')), left));
    } else if (err instanceof ApiError) {
      if (err.code === 'SECRET_REQUIRED') {
        const secrets = layout.secrets();
        const secret = secrets.find((f) => f.path === err.details[0]?.path) ?? secrets[0];
        secret?.setError(errorWords(err).hint);
        left = fieldWords(err).filter((d) => d.path !== secret?.path);
      } else {
        left = layout.showErrors(fieldWords(err));
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

  const testBtn = h('button', { type: 'button', class: 'btn' }, t('form.test'));
  const saveBtn = h('button', { type: 'submit', class: 'btn primary' }, existing ? t('form.saveChanges') : t('form.save'));
  const cancelBtn = h('button', { type: 'button', class: 'btn', onclick: () => dlg.close() }, t('common.cancel'));

  const progress = testProgress();
  testBtn.addEventListener('click', () =>
    busy(testBtn, async () => {
      result.replaceChildren();
      progress.start();
      try {
        const values = payload();
        layout.clearErrors();
        const r = await testWithStages(scoped(scope, 'connections/test'), existing ? { ...values, id: existing.id } : values, (stage) => progress.stage(stage));
        progress.stop(r, stageLabel);
        result.replaceChildren(resultView(r, { ok: t('connections.works'), fail: t('connections.testFailed') }));
        // A refused sign-in: the hint goes to the provider's secret.
        if (!r.ok && r.stage === 'auth') layout.secrets()[0]?.setError(r.hint ?? r.message);
      } catch (err) {
        progress.stop(null, stageLabel);
        showError(err);
      }
      // The result is drawn below the form: bring it into view above the sticky footer (unless
      // showError moved the focus to a field in error).
      if (!body.querySelector('[aria-invalid=true]')) result.scrollIntoView({ block: 'nearest' });
    }),
  );

  const formEl = h('form', { class: 'dialog-form', novalidate: true });
  formEl.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(saveBtn, async () => {
      result.replaceChildren(h('p', { class: 'muted' }, t('common.saving')));
      try {
        const values = payload();
        layout.clearErrors();
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
    presetSelect ? h('div', { class: 'field preset' }, h('label', { for: presetId }, t('form.preset')), presetSelect, presetNote) : null,
    warnings,
    body,
    result,
    h('div', { class: 'actions sticky' }, saveBtn, testBtn, cancelBtn, progress.el),
  );
  const dlg = openDialog(existing ? t('form.editTitle', { name: existing.name }) : t('form.addTitle'), [formEl], { wide: true });
  // Opened from a warning's fix in the list: apply it at once.
  if (fixCode) [...(warned?.querySelectorAll<HTMLButtonElement>('li[data-code] button.fix') ?? [])].find((b) => b.closest('li')?.dataset.code === fixCode)?.click();
}
