// The controls of a schema form's fields, one per kind: how each is made, how its value is read
// back for the API, and how a value is shown in it.

import type { ErrorDetail } from './api.js';
import { h } from './dom.js';
import { t } from './i18n/index.js';
import type { FormOptions } from './schema-form.js';
import type { Kind, Schema } from './schema-resolve.js';
import { fieldAnnotations } from './annotations.js';

/** A read that cannot be turned into a value (bad JSON): reported like the API's details. */
export class FormErrors extends Error {
  constructor(readonly details: ErrorDetail[]) {
    super(details.map((d) => `${d.path} ${d.message}`).join('; '));
  }
}

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function placeholderFor(s: Schema, nested: boolean): string | undefined {
  if (nested && s.default !== undefined) return String(s.default);
  if (Array.isArray(s.examples) && s.examples.length && typeof s.examples[0] !== 'object') return t('fields.example', { examples: s.examples.join(', ') });
  if (s['x-envoi-check'] === 'date-time-or-date') return t('fields.dateOrDateTime', { dateTime: '2026-12-01T09:00', date: '2026-12-01' });
  switch (s.format) {
    case 'date-time':
      return '2026-12-01T09:00:00Z';
    case 'email':
      return t('suppressions.placeholder');
    case 'uri':
      return 'https://…';
    default:
      return undefined;
  }
}

/**
 * The control of a field that is neither a fieldset nor a checkbox: a select for an enum, a text
 * area for long text, lists and JSON, an input (with a datalist of suggestions) for the rest.
 */
export function makeControl(kind: Kind, s: Schema, name: string, id: string, required: boolean, options: FormOptions, nested: boolean): { control: Control; datalist: HTMLDataListElement | null } {
  let control: Control;
  let datalist: HTMLDataListElement | null = null;
  const a = fieldAnnotations(s);
  const choices = a.choices !== undefined ? options.choices?.[a.choices] : undefined;
  if (choices) {
    // A pick among things the page knows (the scope's other connections); "None" sends nothing.
    control = h('select', { id, name }, h('option', { value: '' }, t('fields.none')), ...choices.map((c) => h('option', { value: c.value }, c.label)));
  } else if (kind === 'enum') {
    const hasDefault = s.default !== undefined && options.applyDefaults && !nested;
    const label = (v: string) => options.enumLabels?.[name]?.[v] ?? a.enumLabels?.[v] ?? v;
    control = h('select', { id, name }, hasDefault ? null : h('option', { value: '' }, required ? t('fields.choose') : '—'), ...(s.enum as unknown[]).map((v) => h('option', { value: String(v) }, label(String(v)))));
    if (hasDefault) control.value = String(s.default);
  } else if (kind === 'text' || kind === 'list' || kind === 'json') {
    control = h('textarea', {
      id,
      name,
      rows: kind === 'list' ? 2 : kind === 'json' ? 4 : 5,
      spellcheck: kind === 'text' ? undefined : 'false',
      class: kind === 'json' || s.contentMediaType ? 'mono' : undefined,
      placeholder: a.placeholder ?? (kind === 'list' ? t('fields.onePerLine') : kind === 'json' ? 'JSON' : placeholderFor(s, nested)),
    });
  } else {
    const type = kind === 'password' ? 'password' : kind === 'integer' || kind === 'number' ? 'number' : s.format === 'email' ? 'email' : s.format === 'uri' ? 'url' : 'text';
    control = h('input', {
      id,
      name,
      type,
      step: kind === 'integer' ? 1 : kind === 'number' ? 'any' : undefined,
      min: s.minimum,
      max: s.maximum,
      maxlength: kind === 'string' || kind === 'password' ? s.maxLength : undefined,
      autocomplete: kind === 'password' ? 'new-password' : 'off',
      spellcheck: 'false',
      placeholder: a.placeholder ?? (kind === 'password' ? undefined : placeholderFor(s, nested)),
    });
    const source = typeof s['x-envoi-options'] === 'string' ? (s['x-envoi-options'] as string) : undefined;
    const list = (source && options.suggestions?.[source]) || (Array.isArray(s.examples) ? s.examples.map(String) : undefined);
    if (list?.length && kind !== 'password') {
      const listId = `${id}-list`;
      control.setAttribute('list', listId);
      datalist = h('datalist', { id: listId }, ...list.map((v) => h('option', { value: v })));
    }
    if (s.default !== undefined && options.applyDefaults && !nested && kind !== 'password') control.value = String(s.default);
  }
  return { control, datalist };
}

/** The value to send from a control, or undefined when left empty. Throws FormErrors for unreadable input. */
export function readControl(control: Control, kind: Kind, single: boolean | undefined, path: string): unknown {
  if (control instanceof HTMLInputElement && control.type === 'checkbox') return control.checked;
  const raw = control.value;
  if (kind === 'password') return raw === '' ? undefined : raw;
  const text = raw.trim();
  if (text === '') return undefined;
  switch (kind) {
    case 'integer':
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'list': {
      const items = text.split('\n').map((l) => l.trim()).filter(Boolean);
      return single && items.length === 1 ? items[0] : items;
    }
    case 'json':
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new FormErrors([{ path, message: t('fields.badJson', { error: (e as Error).message }) }]);
      }
    case 'text':
      return raw;
    default:
      return text;
  }
}

/** Shows a value in a control (never a secret). */
export function writeControl(control: Control, kind: Kind, value: unknown): void {
  // Secrets are write-only: the page never puts one back into a field.
  if (kind === 'password') {
    control.value = '';
    return;
  }
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    control.checked = value === true;
    return;
  }
  if (value === undefined || value === null) control.value = '';
  else if (kind === 'list') control.value = Array.isArray(value) ? value.join('\n') : String(value);
  else if (kind === 'json') control.value = JSON.stringify(value, null, 2);
  else control.value = String(value);
}
