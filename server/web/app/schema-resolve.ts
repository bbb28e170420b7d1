// What a JSON Schema (draft 2020-12) means for a form: where its `$ref`s lead, and which kind of
// control edits it.

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
  // An embedded schema is its own resource only with an `$id`; GET /manifest bundles without
  // them, every `#/…` pointing from the root (server/served-manifest.ts).
  const inner = resolve(target, { root: ctx.root, doc: doc === ctx.doc || doc.$id ? doc : ctx.root }, depth + 1);
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
