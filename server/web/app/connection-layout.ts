// The connection dialog's fields, laid out from the connection schema's annotations (see
// annotations.ts): the common fields in one form, each provider's own fields in another built
// from its oneOf alternative (so a field name two providers share keeps each one's label and
// help), placed in sections, shown and hinted as the annotations say.

import { allHold, commonSections, fieldAnnotations, fill, hiddenBy, providersOf, type ProviderSchema, type Section } from './annotations.js';
import type { ErrorDetail } from './api.js';
import { h } from './dom.js';
import { FormErrors, schemaForm, type FormField, type FormOptions, type Schema, type SchemaForm } from './schema-form.js';

export interface ConnectionLayout {
  body: HTMLElement;
  providers: ProviderSchema[];
  /** The chosen provider's key. */
  provider(): string;
  /** The common fields and the chosen provider's, in that order. */
  fields(): FormField[];
  field(name: string): FormField | undefined;
  /** The chosen provider's visible secrets (write-only fields). */
  secrets(): FormField[];
  /** The write-only fields of a provider. */
  secretsOf(key: string): FormField[];
  /** The values any field of the common and the chosen provider's form starts with. */
  defaults(): Record<string, unknown>;
  /** Applies visibility, hints and section visibility; call after any change. */
  update(): void;
  /** Opens the collapsed sections that hold a value. */
  openWhereSet(values: Record<string, unknown>): void;
  read(): Record<string, unknown>;
  write(values: Record<string, unknown>): void;
  /** Shows errors at their fields; returns the ones no field took. */
  showErrors(details: ErrorDetail[]): ErrorDetail[];
  clearErrors(): void;
}

interface Placed {
  el: HTMLElement;
  grid: HTMLElement;
  fields: FormField[];
  collapsed: boolean;
}

function sectionEl(s: Section): Placed {
  const grid = h('div', { class: 'grid' });
  const el = s.collapsed
    ? h('details', { class: 'section advanced', 'data-section': s.id }, h('summary', {}, s.title), grid)
    : h('fieldset', { class: 'section', 'data-section': s.id }, h('legend', {}, s.title), grid);
  return { el, grid, fields: [], collapsed: !!s.collapsed };
}

function place(sec: Placed, f: FormField): void {
  sec.grid.append(f.wrapper);
  sec.fields.push(f);
}

/** Builds the dialog's body. `skip` names common fields the dialog does not edit. */
export function connectionLayout(schema: Schema, options: Pick<FormOptions, 'applyDefaults' | 'choices'> & { skip: string[] }): ConnectionLayout {
  const providers = providersOf(schema);
  const own = new Set(providers.flatMap((p) => Object.keys(p.schema.properties ?? {})));
  const providerLabels = Object.fromEntries(providers.map((p) => [p.key, p.title]));
  const common = schemaForm(schema, { idPrefix: 'conn', skip: [...options.skip, ...own], applyDefaults: options.applyDefaults, enumLabels: { provider: providerLabels }, choices: options.choices });
  const forms = new Map(providers.map((p) => [p.key, schemaForm(p.schema, { idPrefix: `conn-${p.key}`, applyDefaults: options.applyDefaults, choices: options.choices }, { root: schema, doc: schema })]));

  const secs = commonSections(schema);
  const connection = sectionEl(secs.connection);
  const advanced = sectionEl({ ...secs.advanced, collapsed: secs.advanced.collapsed ?? true });
  const all: Placed[] = [connection];
  const commonAdvanced: FormField[] = [];
  for (const f of common.fields) {
    if ((fieldAnnotations(f.schema).section ?? 'advanced') === 'connection') place(connection, f);
    else commonAdvanced.push(f);
  }
  // A provider's fields sit nearest its own sections: last in "connection", first in "advanced".
  for (const p of providers) {
    const own = new Map(p.sections.map((s) => [s.id, sectionEl(s)]));
    const first = own.values().next().value!;
    for (const f of forms.get(p.key)!.fields) {
      const id = fieldAnnotations(f.schema).section;
      place(id === 'connection' ? connection : id === 'advanced' ? advanced : (own.get(id ?? '') ?? first), f);
    }
    all.push(...own.values());
  }
  commonAdvanced.forEach((f) => place(advanced, f));
  all.push(advanced);
  const body = h('div', { class: 'conn-form' }, ...all.map((s) => s.el));

  const fallbackKey = providers.find((p) => p.annotations.default)?.key ?? providers[0]?.key ?? '';
  const provider = () => common.field('provider')?.control?.value || fallbackKey;
  const chosen = () => forms.get(provider());
  const fields = () => [...common.fields, ...(chosen()?.fields ?? [])];
  const field = (name: string) => chosen()?.field(name) ?? common.field(name);

  /** A field's value for the annotations: null when empty or hidden. */
  const value = (name: string): unknown => {
    const f = field(name);
    const c = f?.control;
    if (!f || f.hidden || !c) return null;
    if (c instanceof HTMLInputElement && c.type === 'checkbox') return c.checked;
    const t = c.value.trim();
    if (t === '') return null;
    return f.kind === 'integer' || f.kind === 'number' ? Number(t) : t;
  };

  const layout: ConnectionLayout = {
    body,
    providers,
    provider,
    fields,
    field,
    secrets: () => (chosen()?.fields ?? []).filter((f) => f.kind === 'password' && !f.hidden),
    secretsOf: (key) => (forms.get(key)?.fields ?? []).filter((f) => f.kind === 'password'),
    defaults() {
      const props = { ...schema.properties, ...providers.find((p) => p.key === provider())?.schema.properties } as Record<string, Schema>;
      return Object.fromEntries(Object.entries(props).filter(([, s]) => s.default !== undefined).map(([n, s]) => [n, s.default]));
    },
    update() {
      const key = provider();
      for (const [k, form] of forms) if (k !== key) form.fields.forEach((f) => f.setHidden(true));
      const live = fields();
      live.forEach((f) => f.setHidden(false));
      // A field's rule may read a field placed after it: settle in a few passes (rules are shallow).
      for (let pass = 0; pass < 3; pass++) for (const f of live) f.setHidden(hiddenBy(fieldAnnotations(f.schema), value));
      for (const f of live) {
        const hints = fieldAnnotations(f.schema).hints;
        if (!hints) continue;
        const hint = f.hidden ? undefined : hints.find((x) => allHold(x.if, value));
        f.setNote(hint ? fill(hint.text, value) : null, hint?.level === 'warn' ? 'warn' : 'info');
      }
      for (const s of all) if (s !== connection && s !== advanced) s.el.hidden = s.fields.every((f) => f.hidden);
    },
    openWhereSet(values) {
      for (const s of all) {
        if (s.collapsed && s.el instanceof HTMLDetailsElement && s.fields.some((f) => !f.hidden && values[f.name] !== undefined && values[f.name] !== null && values[f.name] !== false)) s.el.open = true;
      }
    },
    read() {
      const errors: ErrorDetail[] = [];
      let out: Record<string, unknown> = {};
      for (const form of [common, chosen()]) {
        try {
          out = { ...out, ...form?.read() };
        } catch (err) {
          if (err instanceof FormErrors) errors.push(...err.details);
          else throw err;
        }
      }
      if (errors.length) throw new FormErrors(errors);
      return out;
    },
    write(values) {
      common.write(values);
      chosen()?.write(values);
    },
    showErrors(details) {
      const left = common.showErrors(details);
      return chosen()?.showErrors(left) ?? left;
    },
    clearErrors() {
      common.clearErrors();
      for (const form of forms.values()) form.clearErrors();
    },
  };
  return layout;
}
