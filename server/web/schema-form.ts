// Forms generated from the JSON Schemas of the manifest (draft 2020-12): strings, integers,
// booleans, enums, small objects as fieldsets, lists of strings one per line, and a JSON text
// area for anything more nested. The server validates for real; this only shapes the input.

import type { ErrorDetail } from './api.js';
import { append, h, uid } from './dom.js';

export type Schema = { [keyword: string]: any };

/** Where `#/…` references point: the document (or embedded resource) a schema sits in. */
export interface Ctx {
  /** The outermost document; embedded schemas sit under its `$defs`, keyed by file name. */
  root: Schema;
  /** The resource `#` refers to. */
  doc: Schema;
}

function pointer(doc: Schema, frag: string): Schema | undefined {
  let node: any = doc;
  for (const raw of frag.split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[part];
  }
  return node && typeof node === 'object' ? node : undefined;
}

/** Follows `$ref`s (local, and to embedded `*.schema.json` resources); sibling keywords win. */
export function resolve(schema: Schema, ctx: Ctx, depth = 0): { schema: Schema; ctx: Ctx } {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || depth > 32) return { schema, ctx };
  const [file, frag = ''] = ref.split('#');
  let doc = ctx.doc;
  if (file) {
    const embedded = ctx.root.$defs?.[file] ?? ctx.doc.$defs?.[file];
    if (!embedded) return { schema: withoutRef(schema), ctx };
    doc = embedded;
  }
  const target = frag ? pointer(doc, frag) : doc;
  if (!target) return { schema: withoutRef(schema), ctx };
  const inner = resolve(target, { root: ctx.root, doc }, depth + 1);
  const { $ref: _r, $defs: _d, $id: _i, $schema: _s, ...siblings } = schema;
  return { schema: { ...inner.schema, ...siblings }, ctx: inner.ctx };
}

function withoutRef(schema: Schema): Schema {
  const { $ref: _r, ...rest } = schema;
  return rest;
}

export type Kind = 'password' | 'enum' | 'boolean' | 'integer' | 'number' | 'string' | 'text' | 'list' | 'object' | 'json';

const typeOf = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type) ?? (s.properties ? 'object' : undefined);

/** How a (resolved) schema is edited. */
export function kindOf(s: Schema, ctx: Ctx, depth: number): { kind: Kind; single?: boolean } {
  if (s.writeOnly) return { kind: 'password' };
  if (Array.isArray(s.enum)) return { kind: 'enum' };
  const alternatives = s.oneOf ?? s.anyOf;
  if (Array.isArray(alternatives)) {
    const kinds = alternatives.map((a: Schema) => {
      const r = resolve(a, ctx);
      return kindOf(r.schema, r.ctx, depth + 1).kind;
    });
    if (kinds.every((k) => k === 'string' || k === 'text' || k === 'list')) return { kind: 'list', single: kinds.some((k) => k !== 'list') };
    return { kind: 'json' };
  }
  switch (typeOf(s)) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'integer':
      return { kind: 'integer' };
    case 'number':
      return { kind: 'number' };
    case 'string':
      return { kind: (s.maxLength ?? 0) >= 1000 && !s.format ? 'text' : 'string' };
    case 'array': {
      const items = s.items ? resolve(s.items, ctx) : undefined;
      const k = items ? kindOf(items.schema, items.ctx, depth + 1).kind : 'json';
      return { kind: k === 'string' || k === 'enum' ? 'list' : 'json' };
    }
    case 'object': {
      const props = Object.values((s.properties ?? {}) as Record<string, Schema>);
      const simple = props.length > 0 && props.every((p) => {
        const r = resolve(p, ctx);
        return ['string', 'integer', 'number', 'boolean', 'enum', 'password'].includes(kindOf(r.schema, r.ctx, depth + 1).kind);
      });
      return { kind: simple && depth === 0 ? 'object' : 'json' };
    }
    default:
      return { kind: 'json' };
  }
}

/** "userSameAsSender" → "User same as sender". */
export const humanize = (name: string): string => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A read that cannot be turned into a value (bad JSON): reported like the API's details. */
export class FormErrors extends Error {
  constructor(readonly details: ErrorDetail[]) {
    super(details.map((d) => `${d.path} ${d.message}`).join('; '));
  }
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

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
  /** Values offered in a datalist, by property name (e.g. connection names). */
  suggestions?: Record<string, string[]>;
  /** Fill top-level `default`s as values (nested ones become placeholders). */
  applyDefaults?: boolean;
  /** Readable names of enum values, by property name (the schema has only the values). */
  enumLabels?: Record<string, Record<string, string>>;
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

function placeholderFor(s: Schema, nested: boolean): string | undefined {
  if (nested && s.default !== undefined) return String(s.default);
  if (Array.isArray(s.examples) && s.examples.length && typeof s.examples[0] !== 'object') return `e.g. ${s.examples.join(', ')}`;
  switch (s.format) {
    case 'date-time':
      return '2026-12-01T09:00:00Z';
    case 'iso-date-time-or-date':
      return '2026-12-01T09:00 or 2026-12-01';
    case 'email':
      return 'name@example.com';
    case 'uri':
      return 'https://…';
    default:
      return undefined;
  }
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
  let datalist: HTMLDataListElement | null = null;
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
    if (kind === 'enum') {
      const hasDefault = s.default !== undefined && options.applyDefaults && !nested;
      control = h('select', { id, name }, hasDefault ? null : h('option', { value: '' }, required ? 'Choose…' : '—'), ...(s.enum as unknown[]).map((v) => h('option', { value: String(v) }, options.enumLabels?.[name]?.[String(v)] ?? String(v))));
      if (hasDefault) control.value = String(s.default);
    } else if (kind === 'text' || kind === 'list' || kind === 'json') {
      control = h('textarea', {
        id,
        name,
        rows: kind === 'list' ? 2 : kind === 'json' ? 4 : 5,
        spellcheck: kind === 'text' ? undefined : 'false',
        class: kind === 'json' || s.contentMediaType || name === 'caCertificate' ? 'mono' : undefined,
        placeholder: kind === 'list' ? 'One per line' : kind === 'json' ? 'JSON' : placeholderFor(s, nested),
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
        placeholder: kind === 'password' ? undefined : placeholderFor(s, nested),
      });
      const list = options.suggestions?.[name] ?? (Array.isArray(s.examples) ? s.examples.map(String) : undefined);
      if (list?.length && kind !== 'password') {
        const listId = `${id}-list`;
        control.setAttribute('list', listId);
        datalist = h('datalist', { id: listId }, ...list.map((v) => h('option', { value: v })));
      }
      if (s.default !== undefined && options.applyDefaults && !nested && kind !== 'password') control.value = String(s.default);
    }
    if (required) control.setAttribute('aria-required', 'true');
    const kindNote = kind === 'list' ? h('span', { class: 'sub' }, ' (one per line)') : kind === 'json' ? h('span', { class: 'sub' }, ' (JSON)') : null;
    wrapper = h('div', { class: `field ${kind}` }, h('label', { for: id }, label, reqMark, kindNote), control, datalist, desc, note, err);
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
        return Object.keys(v).length ? v : undefined;
      }
      if (!control) return undefined;
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
            throw new FormErrors([{ path, message: `is not valid JSON (${(e as Error).message})` }]);
          }
        case 'text':
          return raw;
        default:
          return text;
      }
    },
    write(value) {
      if (children) {
        children.write(value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
        return;
      }
      if (!control) return;
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
