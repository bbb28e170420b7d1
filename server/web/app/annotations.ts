// Form annotations of the connection schema (README "Form annotations"): everything the admin page
// knows about a provider comes from here, so a provider added by its folder needs no change in
// server/web/. The admin form's annotations all sit in the keyword `x-envoi` (an object); the other
// keywords of the vocabulary (`x-envoi-options`, `x-envoi-check`, schemas/validator.ts) serve every host's forms.
//
// Provider level — `x-envoi` of a provider's settings.schema.json (its oneOf alternative):
//   default: true                   the provider a new connection starts with (exactly one has it)
//   sections: [{id, title, collapsed?}]
//                                   its sections, after the common "connection" section and before
//                                   the common collapsed "advanced" one; without `sections` its
//                                   fields form one section titled by the provider's title
//   summary: {provider?, server?, transport?, signin?}
//                                   its line in the connection list; each a text or a list of cases
//                                   [{if?, text, title?}] (first that holds; title is a tooltip);
//                                   provider defaults to the provider's title
// Common sections — `x-envoi.sections` at the root of schemas/connection-common.json: ids
//   `connection` (first) and `advanced` (last), with their titles.
// Field level — `x-envoi` of a property (a provider's, or a common one):
//   section: "<id>"                 one of its provider's sections, or `connection` / `advanced`;
//                                   default: the provider's first section (common fields: advanced)
//   showIf: {field: [values]}       shown only while every named field has one of its values
//   hideIf: {field: [values]}       hidden while any named field has one of its values
//   hints: [{if: {field: [values]}, level: "info" | "warn", text}]
//                                   the first hint whose `if` holds is the field's note
//   enumLabels: {value: label}      readable names of an enum's values
//   placeholder: "text"
//   choices: "connections"          a select of the scope's other connections, "None" clears it
// Values are strings, numbers or booleans; an empty or hidden field matches null. An `if` holds when
// every named field has one of its values. Texts may hold `{field}` placeholders (the field's
// value, "?" when it has none). Label = `title`, help = `description`, order = property order;
// `writeOnly` fields are secrets ("leave empty to keep"). The texts come in the page's language:
// the server translates them for the manifest's Accept-Language (README "Form texts in six languages").

import type { Schema } from './schema-resolve.js';
import { t } from './i18n/index.js';

export type Condition = Record<string, Array<string | number | boolean | null>>;
export interface Section {
  id: string;
  title: string;
  collapsed?: boolean;
}
export interface Case {
  if?: Condition;
  text: string;
  title?: string;
}
export type Summary = Partial<Record<'provider' | 'server' | 'transport' | 'signin', string | Case[]>>;

export interface FieldAnnotations {
  section?: string;
  showIf?: Condition;
  hideIf?: Condition;
  hints?: Array<{ if: Condition; level: 'info' | 'warn'; text: string }>;
  enumLabels?: Record<string, string>;
  placeholder?: string;
  choices?: string;
}
export interface ProviderAnnotations {
  default?: boolean;
  sections?: Section[];
  summary?: Summary;
}

/** A field's value by name, or null when it has none (empty, hidden, unknown). */
export type Values = (field: string) => unknown;

export const fieldAnnotations = (s: Schema): FieldAnnotations => (s['x-envoi'] ?? {}) as FieldAnnotations;

const same = (want: unknown, have: unknown): boolean => (want === null ? have === null || have === undefined || have === '' : have !== null && have !== undefined && String(want) === String(have));
const has = (values: Values, field: string, wanted: unknown[]): boolean => wanted.some((w) => same(w, values(field)));

/** Every named field has one of its values. */
export const allHold = (cond: Condition, values: Values): boolean => Object.entries(cond).every(([f, wanted]) => has(values, f, wanted));
/** Some named field has one of its values. */
export const anyHolds = (cond: Condition, values: Values): boolean => Object.entries(cond).some(([f, wanted]) => has(values, f, wanted));

/** Whether a field is hidden by its showIf/hideIf. */
export function hiddenBy(a: FieldAnnotations, values: Values): boolean {
  return (a.showIf !== undefined && !allHold(a.showIf, values)) || (a.hideIf !== undefined && anyHolds(a.hideIf, values));
}

/** A text with its `{field}` placeholders filled. */
export const fill = (text: string, values: Values): string =>
  text.replace(/\{([A-Za-z0-9_]+)\}/g, (_, f: string) => {
    const v = values(f);
    return v === null || v === undefined || v === '' ? '?' : String(v);
  });

/** The first case that holds, filled; null when none does. */
export function pick(entry: string | Case[] | undefined, values: Values): { text: string; title?: string } | null {
  if (entry === undefined) return null;
  const cases = typeof entry === 'string' ? [{ text: entry }] : entry;
  const c = cases.find((k) => !k.if || allHold(k.if, values));
  return c ? { text: fill(c.text, values), ...(c.title ? { title: fill(c.title, values) } : {}) } : null;
}

export interface ProviderSchema {
  key: string;
  title: string;
  annotations: ProviderAnnotations;
  /** Its own fields as an object schema (without the `provider` const). */
  schema: Schema;
  /** Its sections, or one titled by the provider. */
  sections: Section[];
}

/** The providers of a composed connection schema, from its oneOf alternatives, in their order. */
export function providersOf(connection: Schema): ProviderSchema[] {
  const out: ProviderSchema[] = [];
  for (const alt of (connection.oneOf ?? []) as Schema[]) {
    const key = alt.properties?.provider?.const;
    if (typeof key !== 'string') continue;
    const { provider: _p, ...properties } = alt.properties as Record<string, Schema>;
    const annotations = (alt['x-envoi'] ?? {}) as ProviderAnnotations;
    const title = typeof alt.title === 'string' ? alt.title : key;
    out.push({
      key,
      title,
      annotations,
      schema: { type: 'object', properties, required: ((alt.required ?? []) as string[]).filter((r) => r !== 'provider') },
      sections: annotations.sections?.length ? annotations.sections : [{ id: key, title }],
    });
  }
  return out;
}

/** The common sections: `connection` and `advanced`, titled by the schema. */
export function commonSections(connection: Schema): { connection: Section; advanced: Section } {
  const listed = ((connection['x-envoi']?.sections ?? []) as Section[]);
  return {
    connection: listed.find((s) => s.id === 'connection') ?? { id: 'connection', title: t('deliveries.col.connection') },
    advanced: listed.find((s) => s.id === 'advanced') ?? { id: 'advanced', title: t('fields.advanced'), collapsed: true },
  };
}
