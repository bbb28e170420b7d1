import Handlebars from 'handlebars';
import { EnvoiError } from '../../connector/errors.js';
import { createLogger } from '../../connector/log.js';
import { checkHelpers, KNOWN_HELPERS } from './allowed.js';
import { metered, meteredEach, type RenderMeter } from './meter.js';
import { parseProblem, type ParseHash } from './parse-words.js';

/**
 * Handlebars templates for subjects and bodies. Templates are compiled only from strings, in an
 * isolated Handlebars environment whose helpers are ours alone; prototype access stays at
 * Handlebars' safe defaults (the `allowProto*` options are never enabled), so the known
 * `constructor.__proto__` payloads render nothing and cannot touch Object.prototype.
 * HTML templates escape every value; subject and text templates do not (they are not HTML).
 */
export type TemplateKind = 'subject' | 'html' | 'text';

/**
 * Largest template source accepted (per field). send-email's html and text bodies are templates
 * too, so this is the schema's limit for them: a newsletter's html with its styles passes
 * 200,000 characters (the earlier limit, which refused it), while mail clients clip bodies long
 * before a million (Gmail at 102 KB); images belong in attachments with a cid.
 */
export const MAX_TEMPLATE_CHARS = 1_000_000;

const hb = Handlebars.create();

// Handlebars tells of a template reading a property it denies (`{{toString}}`, `{{a.valueOf}}`)
// with console.error: three plain lines on stderr, where Envoi writes JSON lines only. Its log
// (one logger shared by every Handlebars environment, in every thread) goes through ours instead.
// A denied property renders empty, as intended (see above): the template's author may want to
// know, the operator need not, so that line is a debug one.
const templateLog = createLogger().child({ component: 'templates' });
(Handlebars.logger as { log: (level: unknown, ...message: unknown[]) => void }).log = (level, ...message) => {
  const text = message.map(String).join(' ');
  const denied = /Access has been denied to resolve the property "([^"]*)"/.exec(text);
  if (denied) return templateLog.debug('a template read a property Handlebars does not expose; it rendered empty', { property: denied[1] });
  // Handlebars names a level by word or by its index in debug, info, warn, error.
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  const lvl = levels.find((l, i) => l === String(level).toLowerCase() || i === Number(level)) ?? 'info';
  templateLog[lvl]('handlebars', { message: text.split('\n')[0] });
};

// Only known helpers run (see allowed.ts); the fallbacks are replaced so that even a template
// that slipped past the check could not reach them, and `each` is the metered one.
hb.unregisterHelper('log');
const unreachable = () => {
  throw new EnvoiError('TEMPLATE_ERROR', 'The template calls a helper Envoi does not know', { hint: 'Use only if, unless, each, with, lookup and the date and text helpers.' });
};
hb.registerHelper('helperMissing', unreachable);
hb.registerHelper('blockHelperMissing', unreachable);
hb.registerHelper('each', meteredEach(hb));

// Handlebars' parser reports where it failed only through the hash of its parseError callback;
// keep that hash on the error so a person gets a line and a column.
const parser = (Handlebars as unknown as { Parser: { parseError: (str: string, hash: unknown) => never } }).Parser;
parser.parseError = (str: string, hash: unknown) => {
  throw Object.assign(new Error(str), { hash });
};

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

type HelperOptions = { hash: Record<string, unknown>; data?: { root?: Record<string, unknown> } };
const localeOf = (o: HelperOptions): string => String(o.hash.locale ?? o.data?.root?.locale ?? 'en');
const zoneOf = (o: HelperOptions): string | undefined => (o.hash.timeZone ?? o.data?.root?.timeZone) as string | undefined;

function formatWith(value: unknown, o: HelperOptions, defaults: Intl.DateTimeFormatOptions): string {
  const d = toDate(value);
  if (!d) return value === undefined || value === null ? '' : String(value);
  const style = o.hash.style as Intl.DateTimeFormatOptions['dateStyle'] | undefined;
  try {
    return new Intl.DateTimeFormat(localeOf(o), { ...defaults, ...(style ? { dateStyle: style } : {}), timeZone: zoneOf(o) ?? 'UTC' }).format(d);
  } catch {
    return new Intl.DateTimeFormat('en', { ...defaults, timeZone: 'UTC' }).format(d);
  }
}

// Date helpers format in the mail's locale (the `locale` of the data, or locale="…"), in UTC
// unless a timeZone is given; `default` fills a missing value; eq/ne compare for #if.
hb.registerHelper('formatDate', (value: unknown, o: HelperOptions) => formatWith(value, o, { dateStyle: 'long' }));
hb.registerHelper('formatDateTime', (value: unknown, o: HelperOptions) => formatWith(value, o, { dateStyle: 'long', timeStyle: 'short' }));
hb.registerHelper('formatTime', (value: unknown, o: HelperOptions) => formatWith(value, o, { timeStyle: 'short' }));
hb.registerHelper('default', (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
hb.registerHelper('upper', (s: unknown) => (typeof s === 'string' ? s.toLocaleUpperCase() : s));
hb.registerHelper('lower', (s: unknown) => (typeof s === 'string' ? s.toLocaleLowerCase() : s));

/** A template compile or render error, with where it happened, said in words for people. */
function templateError(field: string, err: unknown): EnvoiError {
  const e = err as Error & { hash?: ParseHash & { loc?: { first_line: number; first_column: number } }; lineNumber?: number; column?: number };
  const line = e.hash?.loc?.first_line ?? e.lineNumber;
  const column = e.hash?.loc ? e.hash.loc.first_column + 1 : e.column !== undefined ? e.column + 1 : undefined;
  const problem = parseProblem(e.message ?? String(err), e.hash);
  const where = line !== undefined ? ` on line ${line}${column !== undefined ? `, column ${column}` : ''}` : '';
  return new EnvoiError('TEMPLATE_ERROR', `The ${field} template has an error${where}: ${problem}`, {
    hint: 'Check that every {{#if}}, {{#each}} and {{#unless}} is closed and every {{ has its }}.',
    details: [{ path: `/${field}`, message: `has an error${where}: ${problem}` }],
    extra: { field, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) },
  });
}

export interface CompiledTemplate {
  /** Renders with `data`, charging loops and output to `meter` (the message's budget) when given. */
  render(data: Record<string, unknown>, meter?: RenderMeter): string;
}

// Workflows send the same templates over and over: keep the compiled ones (a bounded map, the
// oldest dropped first). Keyed by kind too, since html escapes and subject/text do not.
const CACHE_SIZE = 500;
const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Compiles a template now (so syntax errors surface at validate/preview time, not at send). */
export function compileTemplate(source: string, field: TemplateKind): CompiledTemplate {
  if (source.length > MAX_TEMPLATE_CHARS) {
    throw new EnvoiError('VALIDATION_FAILED', `The ${field} template is longer than ${MAX_TEMPLATE_CHARS} characters`, { details: [{ path: `/${field}`, message: `must be at most ${MAX_TEMPLATE_CHARS} characters` }] });
  }
  const key = `${field === 'html' ? 'h' : 't'}:${source}`;
  let fn = cache.get(key);
  if (!fn) {
    try {
      // Parsed now so a syntax error surfaces here; compile() would only parse at the first render.
      const ast = hb.parse(source);
      checkHelpers(ast as never, field);
      fn = hb.compile(ast, { noEscape: field !== 'html', strict: false, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true });
    } catch (err) {
      throw err instanceof EnvoiError ? err : templateError(field, err);
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, fn);
  }
  const compiled = fn;
  return {
    render(data, meter) {
      try {
        if (!meter) return compiled(data);
        meter.committed = meter.rendered;
        const out = metered(meter, () => compiled(data));
        meter.rendered += out.length;
        meter.checkOutput(meter.rendered);
        return out;
      } catch (err) {
        throw err instanceof EnvoiError || err instanceof RangeError ? err : templateError(field, err);
      }
    },
  };
}
