import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { openApiDocument, type OpenApiDocument } from '../../server/openapi/document.js';

/**
 * Checks real responses against the OpenAPI document: the route and status must be described,
 * and the body must be valid (ajv, JSON Schema 2020-12, the dialect of OAS 3.1) against the
 * schema the document gives for that route and status.
 */

const BASE = 'https://envoi.dev/openapi.json';
const NDJSON = 'application/x-ndjson';
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export interface Described {
  /** The document's path template, e.g. /api/v1/scopes/{scope}/connections/{id}. */
  template: string;
  operation: { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> };
}

export class Conformance {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  // Concrete paths before templated ones (OAS 3.1 §4.8.8.2: "/pets/mine" wins over "/pets/{id}").
  private readonly templates: Array<{ template: string; re: RegExp }>;

  constructor(readonly doc: OpenApiDocument = openApiDocument()) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // Envoi's own formats apply to inputs; responses are only checked against standard ones.
    for (const f of ['host', 'tenant-id', 'iso-date-time-or-date', 'time-zone']) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ ...doc, $id: BASE });
    this.templates = Object.keys(doc.paths)
      .map((template) => ({ template, re: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}/?$`), params: (template.match(/\{/g) ?? []).length }))
      .sort((a, b) => a.params - b.params);
  }

  /** The operation the document describes for a request, or undefined. */
  describe(method: string, urlPath: string): Described | undefined {
    const p = decodeURI(urlPath.split('?')[0]!);
    const t = this.templates.find((x) => x.re.test(p) && this.doc.paths[x.template]![method.toLowerCase()]);
    if (!t) return undefined;
    return { template: t.template, operation: this.doc.paths[t.template]![method.toLowerCase()] as Described['operation'] };
  }

  /**
   * What is wrong with a response, as sentences (empty when it conforms). A request the document
   * does not describe at all is `undefined`: the admin page's files, or a path nobody routes.
   */
  check(method: string, urlPath: string, status: number, body: unknown, contentType: string | null): string[] | undefined {
    const d = this.describe(method, urlPath);
    if (!d) return undefined;
    const where = `${method.toUpperCase()} ${d.template} → ${status}`;
    let reply = d.operation.responses[String(status)];
    let pointer = `/paths/${escape(d.template)}/${method.toLowerCase()}/responses/${status}`;
    if (!reply) return [`${where}: the document lists no ${status} for this route (it lists ${Object.keys(d.operation.responses).join(', ')})`];
    if (reply.$ref) {
      pointer = reply.$ref.slice(1);
      reply = this.doc.components.responses[reply.$ref.split('/').pop()!] as typeof reply;
    }
    if (!reply.content) return body === undefined ? [] : [`${where}: the document says no body, the server sent one`];
    const medias = Object.keys(reply.content);
    const media = medias.find((m) => contentType?.startsWith(m));
    if (!media) return [`${where}: content type ${contentType} is not the documented ${medias.join(' or ')}`];
    if (media !== 'application/json' && media !== NDJSON) return [];
    const at = `${BASE}#${pointer}/content/${escape(media)}/schema`;
    let fn = this.compiled.get(at);
    if (!fn) this.compiled.set(at, (fn = this.ajv.compile({ $ref: at })));
    if (media === NDJSON) return this.lines(where, body, fn);
    if (fn(body)) return [];
    return this.errors(where, 'body', fn);
  }

  /** An NDJSON answer: each line must be JSON valid against the schema (the schema is of one line). */
  private lines(where: string, body: unknown, fn: ValidateFunction): string[] {
    // The harness parsed a one-line answer as JSON; a longer one stays text.
    const texts = typeof body === 'string' ? body.split('\n').filter((l) => l.trim()) : [JSON.stringify(body)];
    return texts.flatMap((text, i) => {
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        return [`${where}: line ${i + 1} is not JSON`];
      }
      return fn(line) ? [] : this.errors(where, `line ${i + 1}`, fn);
    });
  }

  private errors(where: string, what: string, fn: ValidateFunction): string[] {
    return (fn.errors ?? []).slice(0, 8).map((e) => `${where}: ${what}${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
}

let shared: Conformance | undefined;

/**
 * The hook of the test harness: every response of the suite that the document describes is
 * checked, and a violation fails the test that got it (issue #14: "the suite's responses conform
 * to it"). ENVOI_OPENAPI_CHECK=0 turns it off, e.g. to time a suite without it.
 */
export function conformanceHook(): ((method: string, urlPath: string, status: number, body: unknown, contentType: string | null) => void) | undefined {
  if (process.env.ENVOI_OPENAPI_CHECK === '0') return undefined;
  return (method, urlPath, status, body, contentType) => {
    shared ??= new Conformance();
    const problems = shared.check(method, urlPath, status, body, contentType);
    if (problems?.length) throw new Error(`The response does not conform to the OpenAPI document:\n${problems.join('\n')}`);
  };
}
