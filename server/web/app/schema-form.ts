// Forms generated from the JSON Schemas of the manifest (draft 2020-12): strings, integers,
// booleans, enums, small objects as fieldsets, lists of strings one per line, and a JSON text
// area for anything more nested. The server validates for real; this only shapes the input.
// This module assembles fields into a form (labels, notes, errors, nesting); schema-resolve.ts
// says what a schema means, form-controls.ts makes the controls and reads their values.

import type { ErrorDetail } from './api.js';
import { append, h, uid } from './dom.js';
import { t } from './i18n/index.js';
import { FormErrors, makeControl, readControl, writeControl, type Control } from './form-controls.js';
import { kindOf, resolve, type Ctx, type Kind, type Schema } from './schema-resolve.js';

// Callers (the connection and try-action forms) import all of the form's pieces from here.
export { FormErrors, kindOf, resolve };
export type { Ctx, Kind, Schema };

/** "userSameAsSender" → "User same as sender". */
export const humanize = (name: string): string => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export interface FormField {
  name: string;
  path: string;
  kind: Kind;
  schema: Schema;
  required: boolean;
  wrapper: HTMLElement;
  control: Control | undefined;
  children: SchemaForm | undefined;
  /** The value to send, or undefined when left empty. Throws FormErrors for unreadable input. */
  read(): unknown;
  write(value: unknown): void;
  setError(message: string | null): void;
  /** A line under the field (a hint), linked with aria-describedby; null removes it. */
  setNote(text: string | null, kind?: 'info' | 'warn'): void;
  setHidden(hidden: boolean): void;
  readonly hidden: boolean;
}

export interface SchemaForm {
  element: HTMLElement;
  fields: FormField[];
  field(name: string): FormField | undefined;
  /** The object to send: visible, non-empty fields. Throws FormErrors. */
  read(): Record<string, unknown>;
  write(values: Record<string, unknown>): void;
  /** Shows errors at their fields; returns the ones no field took. */
  showErrors(details: ErrorDetail[]): ErrorDetail[];
  clearErrors(): void;
}

export interface FormOptions {
  idPrefix: string;
  /** Property names not to show (readOnly ones are always left out). */
  skip?: string[];
  /** Values offered in a datalist, by the field's option source (`"x-envoi-options": "connections"`: connection names). */
  suggestions?: Record<string, string[]>;
  /** Fill top-level `default`s as values (nested ones become placeholders). */
  applyDefaults?: boolean;
  /** Readable names of enum values, by property name (beside the schema's own `x-envoi.enumLabels`). */
  enumLabels?: Record<string, Record<string, string>>;
  /** The options of fields annotated `x-envoi.choices`, by the annotation's value (e.g. "connections"). */
  choices?: Record<string, Array<{ value: string; label: string }>>;
}

/** Builds a form for an object schema. */
export function schemaForm(schema: Schema, options: FormOptions, ctx: Ctx = { root: schema, doc: schema }, depth = 0, basePath = ''): SchemaForm {
  const resolved = resolve(schema, ctx);
  const s = resolved.schema;
  const required = new Set<string>(Array.isArray(s.required) ? s.required : []);
  const element = h('div', { class: depth === 0 ? 'schema-form' : 'schema-subform' });
  const fields: FormField[] = [];
  for (const [name, raw] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
    if (options.skip?.includes(name) && depth === 0) continue;
    const r = resolve(raw, resolved.ctx);
    if (r.schema.readOnly) continue;
    const f = makeField(name, r.schema, r.ctx, required.has(name), options, depth, `${basePath}/${name}`);
    fields.push(f);
    element.append(f.wrapper);
  }
  const form: SchemaForm = {
    element,
    fields,
    field: (name) => fields.find((f) => f.name === name),
    read() {
      const out: Record<string, unknown> = {};
      const errors: ErrorDetail[] = [];
      for (const f of fields) {
        if (f.hidden) continue;
        try {
          const v = f.read();
          if (v !== undefined) out[f.name] = v;
        } catch (err) {
          if (err instanceof FormErrors) errors.push(...err.details);
          else throw err;
        }
      }
      if (errors.length) throw new FormErrors(errors);
      return out;
    },
    write(values) {
      for (const f of fields) f.write(values[f.name]);
    },
    showErrors(details) {
      const left: ErrorDetail[] = [];
      const byField = new Map<FormField, string[]>();
      for (const d of details) {
        // The field whose path is the longest prefix of the error's path ("/to/1" → to).
        let best: FormField | undefined;
        for (const f of fields) {
          if (f.hidden) continue;
          if ((d.path === f.path || d.path.startsWith(`${f.path}/`)) && (!best || f.path.length > best.path.length)) best = f;
        }
        if (best?.children && d.path !== best.path) {
          left.push(...best.children.showErrors([d]));
          continue;
        }
        if (best) byField.set(best, [...(byField.get(best) ?? []), d.path === best.path ? d.message : `${d.path.slice(best.path.length + 1)}: ${d.message}`]);
        else left.push(d);
      }
      for (const [f, messages] of byField) f.setError([...new Set(messages)].join('; '));
      return left;
    },
    clearErrors() {
      for (const f of fields) {
        f.setError(null);
        f.children?.clearErrors();
      }
    },
  };
  return form;
}

function makeField(name: string, s: Schema, ctx: Ctx, required: boolean, options: FormOptions, depth: number, path: string): FormField {
  const { kind, single } = kindOf(s, ctx, depth);
  const id = uid(`${options.idPrefix}-${name}`);
  const label = s.title ?? humanize(name);
  const descId = s.description ? `${id}-desc` : undefined;
  const noteId = `${id}-note`;
  const errId = `${id}-err`;
  const desc = s.description ? h('p', { class: 'desc', id: descId }, s.description) : null;
  const note = h('p', { class: 'note', id: noteId, hidden: true });
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  let control: Control | undefined;
  let children: SchemaForm | undefined;
  let wrapper: HTMLElement;
  let hidden = false;
  const nested = depth > 0;
  const describe = () => {
    if (!control) return;
    const ids = [descId, note.hidden ? undefined : noteId, err.hidden ? undefined : errId].filter(Boolean);
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  };
  const reqMark = required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;

  if (kind === 'object') {
    children = schemaForm(s, { ...options, applyDefaults: false }, ctx, depth + 1, path);
    wrapper = h('fieldset', { class: 'field group', 'aria-describedby': [descId, errId].filter(Boolean).join(' ') }, h('legend', {}, label, reqMark), desc, children.element, note, err);
  } else if (kind === 'boolean') {
    control = h('input', { type: 'checkbox', id, name });
    if (s.default === true && options.applyDefaults && !nested) control.checked = true;
    wrapper = h('div', { class: 'field check' }, control, h('label', { for: id }, label), desc, note, err);
  } else {
    const made = makeControl(kind, s, name, id, required, options, nested);
    control = made.control;
    if (required) control.setAttribute('aria-required', 'true');
    const kindNote = kind === 'list' ? h('span', { class: 'sub' }, ` ${t('fields.onePerLineNote')}`) : kind === 'json' ? h('span', { class: 'sub' }, ' (JSON)') : null;
    wrapper = h('div', { class: `field ${kind}` }, h('label', { for: id }, label, reqMark, kindNote), control, made.datalist, desc, note, err);
  }
  describe();

  const field: FormField = {
    name,
    path,
    kind,
    schema: s,
    required,
    wrapper,
    control,
    children,
    get hidden() {
      return hidden;
    },
    setHidden(v) {
      hidden = v;
      wrapper.hidden = v;
    },
    read() {
      if (children) {
        const v = children.read();
        // A group whose only answers are unticked boxes was left alone (an optional bounce mailbox).
        return Object.values(v).some((x) => x !== undefined && x !== false) ? v : undefined;
      }
      if (!control) return undefined;
      return readControl(control, kind, single, path);
    },
    write(value) {
      if (children) {
        children.write(value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
        return;
      }
      if (!control) return;
      writeControl(control, kind, value);
    },
    setError(message) {
      err.textContent = message ?? '';
      err.hidden = !message;
      wrapper.classList.toggle('invalid', !!message);
      if (control) {
        if (message) control.setAttribute('aria-invalid', 'true');
        else control.removeAttribute('aria-invalid');
      }
      describe();
    },
    setNote(text, noteKind = 'info') {
      note.textContent = text ?? '';
      note.hidden = !text;
      note.className = `note ${noteKind}`;
      describe();
    },
  };
  return field;
}

/** Shows a list of errors no field took (or all of them) in a container; returns it. */
export function errorList(details: ErrorDetail[]): HTMLElement {
  const ul = h('ul', { class: 'error-list' });
  for (const d of details) append(ul, h('li', {}, d.path && d.path !== '/' ? h('code', {}, d.path) : null, d.path && d.path !== '/' ? ' ' : null, d.message));
  return ul;
}
