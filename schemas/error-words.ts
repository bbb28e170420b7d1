import type { ErrorObject } from 'ajv/dist/2020.js';

/**
 * ajv's messages are written for schema authors ("must be string", "must NOT have fewer than 3
 * characters", "must match pattern \"^[^\\u0000-…]\""); these say what is expected instead, in the
 * words of the form a person filled in. Paths are never changed here, only the words.
 */

/** The schema fragment names whose strings are email addresses (send-email's `$defs/address`, …). */
const ADDRESS = /\/\$defs\/address(?:List)?\/|\/(?:address|addresses|email|to|cc|bcc|replyTo|from)\//i;

/** The control-character pattern the schemas put on one-line fields (names, addresses, headers). */
const NO_CONTROLS = '^[^\\u0000-\\u001f\\u007f]*$';

const TYPES: Record<string, string> = {
  string: 'must be text',
  integer: 'must be a whole number',
  number: 'must be a number',
  boolean: 'must be true or false',
  object: 'must be an object ({ … })',
  array: 'must be a list ([ … ])',
  null: 'must be null',
};

const FORMATS: Record<string, string> = {
  email: 'must be an email address such as ada@example.com',
  'date-time': 'must be a date and time in ISO 8601, e.g. 2026-11-30T08:00:00Z',
  date: 'must be a date in ISO 8601, e.g. 2026-11-30',
  uri: 'must be a full URL, e.g. https://example.com/path',
  hostname: 'must be a host name such as smtp.example.com',
};

const isAddress = (e: ErrorObject) => ADDRESS.test(`${e.schemaPath}/`);

/** A clearer message for one of ajv's common errors, or undefined to keep ajv's. */
export function plainMessage(e: ErrorObject): string | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      if (p.type === 'string' && isAddress(e)) return 'must be an email address (text such as ada@example.com)';
      return TYPES[String(p.type)];
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`;
    case 'maxLength':
      return `must be at most ${p.limit} characters long`;
    case 'minItems':
      return p.limit === 1 ? 'must not be an empty list' : `must have at least ${p.limit} items`;
    case 'maxItems':
      return `must have at most ${p.limit} items`;
    case 'format':
      return FORMATS[String(p.format)];
    case 'pattern':
      if (p.pattern === NO_CONTROLS) return 'must not contain control characters (line breaks, tabs, …)';
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A field that may be one value or a list of them (`oneOf: [address, [address]]`) that is neither
 * gets one type error per alternative ("must be string", "must be array"); they become one
 * sentence. Returns the paths so merged and their message.
 */
export function oneOrList(list: ErrorObject[]): Map<string, string> {
  const out = new Map<string, string>();
  const byPath = new Map<string, Set<string>>();
  for (const e of list) {
    // The alternatives' errors come from where they are defined: a `$ref`'d one has its own schemaPath.
    if (e.keyword !== 'type') continue;
    const types = byPath.get(e.instancePath) ?? new Set<string>();
    types.add(String((e.params as { type: string }).type));
    byPath.set(e.instancePath, types);
  }
  for (const [path, types] of byPath) {
    if (!types.has('array') || types.size < 2) continue;
    const anyAddress = list.some((e) => e.instancePath === path && isAddress(e));
    out.set(path, anyAddress ? 'must be an email address or a list of them' : 'must be one value or a list of them');
  }
  return out;
}
