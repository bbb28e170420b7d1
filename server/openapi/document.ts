import type { Request, Response } from 'express';
import { VERSION } from '../../connector/envoi.js';
import { ERROR_CATALOGUE } from '../../connector/errors.js';
import { LOCALES } from '../../connector/locales.js';
import { bodyComponents } from './bodies.js';
import { OPERATIONS, PATH_PARAMS, type Operation, type Reply } from './routes.js';
import { fileComponents, type Schema } from './schemas.js';

/**
 * The OpenAPI 3.1 document of the HTTP API (https://spec.openapis.org/oas/v3.1.0), built from
 * the route table (routes.ts) and the JSON Schemas of schemas/. Paths are absolute from where
 * Envoi is mounted; `servers` says where that is.
 */

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Schema>; responses: Record<string, unknown>; securitySchemes: Record<string, unknown> } };

const REASONS: Record<number, string> = {
  400: 'The request is not valid (details lists every field)', 401: 'No API key, or an unknown or revoked one', 403: "The key's role or scope does not allow this",
  404: 'Not found', 409: 'In conflict with what is stored', 413: 'The body is larger than this route takes', 422: 'The idempotency key came with another input',
  429: 'Too many: wait for Retry-After', 500: 'A fault of the server (the log has it)', 503: 'Storage unavailable: retry after Retry-After',
};

/** The error statuses an operation can give: its own plus those of every route of its kind. */
export function errorStatuses(op: Operation): number[] {
  const s = new Set([...(op.errors ?? []), 500, 503]);
  if (op.role !== 'none') s.add(401);
  if (op.role !== 'none' && op.role !== 'any') s.add(403);
  // A body may be bad JSON or too large; a scope in the path may not be a scope.
  if (op.body || op.query?.length || op.path.includes('{scope}')) s.add(400);
  if (op.body) s.add(413);
  return [...s].sort((a, b) => a - b);
}

/** An error response whose `code` is one of the catalogue's codes of that status. */
function errorResponse(status: number): Record<string, unknown> {
  const codes = Object.entries(ERROR_CATALOGUE).filter(([, e]) => e.status === status).map(([c]) => c);
  const schema = codes.length
    ? { allOf: [{ $ref: '#/components/schemas/ErrorBody' }], properties: { error: { properties: { code: { enum: codes } } } } }
    : { $ref: '#/components/schemas/ErrorBody' };
  return { description: REASONS[status] ?? 'An error', content: { 'application/json': { schema } } };
}

/** RFC 9110 §12.5.4: the language of the words for people in the answer; the values are the page's languages. */
const ACCEPT_LANGUAGE = {
  name: 'Accept-Language',
  in: 'header',
  required: false,
  description: `The language of the answer's words for people (messages, hints, warnings; the connection form's labels, help, hints and presets): ${LOCALES.join(', ')}, English by default. Codes, field names and the server's own replies stay as they are.`,
  schema: { type: 'string', examples: ['fr-FR,fr;q=0.9,en;q=0.8'] },
};

const schemaOf = (body: string | Schema): Schema => (typeof body === 'string' ? { $ref: `#/components/schemas/${body}` } : body);

// A stream's schema is that of each of its lines (OAS 3.1 has no item schema yet; 3.2's itemSchema).
function response(r: Reply): Record<string, unknown> {
  if (r.body === undefined) return { description: r.description };
  const content: Record<string, unknown> = { [r.mediaType ?? 'application/json']: { schema: schemaOf(r.body) } };
  if (r.also) content[r.also.mediaType] = { schema: schemaOf(r.also.body) };
  return { description: r.description, content };
}

function operation(op: Operation): Record<string, unknown> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const parameters = [
    ...names.map((name) => ({ name, in: 'path', required: true, schema: PATH_PARAMS[name] ?? { type: 'string' } })),
    ...(op.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema })),
    ...(op.localized ? [ACCEPT_LANGUAGE] : []),
  ];
  const responses: Record<string, unknown> = {};
  for (const r of op.replies) responses[String(r.status)] = response(r);
  for (const s of errorStatuses(op)) responses[String(s)] ??= { $ref: `#/components/responses/Error${s}` };
  const roleText = op.role === 'none' ? 'No API key.' : op.role === 'any' ? 'Any API key.' : `Role: ${op.role}.`;
  return {
    operationId: `${op.method}${op.path.replace(/^\/api\/v1/, '').replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
    summary: op.summary,
    description: roleText,
    tags: [op.tag],
    ...(op.role === 'none' ? { security: op.path === '/metrics' ? [{ metricsToken: [] }] : [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } } : {}),
    responses,
  };
}

let cached: OpenApiDocument | undefined;

/** The document, built once (routes and schemas do not change while running). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const paths: OpenApiDocument['paths'] = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  const statuses = [...new Set(OPERATIONS.flatMap(errorStatuses))].sort((a, b) => a - b);
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Envoi',
      version: VERSION,
      description: 'The email connector\'s HTTP API. Every 4xx/5xx body is `{"error": {"code", "message", "hint"?, "details"?}}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: { ...fileComponents(), ...bodyComponents() },
      responses: Object.fromEntries(statuses.map((s) => [`Error${s}`, errorResponse(s)])),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An Envoi API key (envoi keys create, or POST /api/v1/keys).' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'ENVOI_METRICS_TOKEN.' },
      },
    },
  };
  return (cached = doc);
}

/** GET /api/v1/openapi.json: the document, its server being where Envoi is mounted. */
export function openApiRoute() {
  return (req: Request, res: Response) => {
    res.json({ ...openApiDocument(), servers: [{ url: req.baseUrl || '/' }] });
  };
}
