import Handlebars from 'handlebars';
import { EnvoiError } from '../../connector/errors.js';
import { checkHelpers, KNOWN_HELPERS } from './allowed.js';
import { metered, meteredEach } from './meter.js';
/**
 * Largest template source accepted (per field). send-email's html and text bodies are templates
 * too, so this is the schema's limit for them: a newsletter's html with its styles passes
 * 200,000 characters (the earlier limit, which refused it), while mail clients clip bodies long
 * before a million (Gmail at 102 KB); images belong in attachments with a cid.
 */
export const MAX_TEMPLATE_CHARS = 1_000_000;
const hb = Handlebars.create();
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
const parser = Handlebars.Parser;
parser.parseError = (str, hash) => {
    throw Object.assign(new Error(str), { hash });
};
function toDate(value) {
    if (value instanceof Date)
        return value;
    if (typeof value === 'string' || typeof value === 'number') {
        const d = new Date(value);
        return Number.isNaN(d.getTime()) ? undefined : d;
    }
    return undefined;
}
const localeOf = (o) => String(o.hash.locale ?? o.data?.root?.locale ?? 'en');
const zoneOf = (o) => (o.hash.timeZone ?? o.data?.root?.timeZone);
function formatWith(value, o, defaults) {
    const d = toDate(value);
    if (!d)
        return value === undefined || value === null ? '' : String(value);
    const style = o.hash.style;
    try {
        return new Intl.DateTimeFormat(localeOf(o), { ...defaults, ...(style ? { dateStyle: style } : {}), timeZone: zoneOf(o) ?? 'UTC' }).format(d);
    }
    catch {
        return new Intl.DateTimeFormat('en', { ...defaults, timeZone: 'UTC' }).format(d);
    }
}
// Date helpers format in the mail's locale (the `locale` of the data, or locale="…"), in UTC
// unless a timeZone is given; `default` fills a missing value; eq/ne compare for #if.
hb.registerHelper('formatDate', (value, o) => formatWith(value, o, { dateStyle: 'long' }));
hb.registerHelper('formatDateTime', (value, o) => formatWith(value, o, { dateStyle: 'long', timeStyle: 'short' }));
hb.registerHelper('formatTime', (value, o) => formatWith(value, o, { timeStyle: 'short' }));
hb.registerHelper('default', (value, fallback) => (value === undefined || value === null || value === '' ? fallback : value));
hb.registerHelper('eq', (a, b) => a === b);
hb.registerHelper('ne', (a, b) => a !== b);
hb.registerHelper('upper', (s) => (typeof s === 'string' ? s.toLocaleUpperCase() : s));
hb.registerHelper('lower', (s) => (typeof s === 'string' ? s.toLocaleLowerCase() : s));
/** A template compile or render error, with where it happened. */
function templateError(field, err) {
    const e = err;
    const line = e.hash?.loc?.first_line ?? e.lineNumber;
    const column = e.hash?.loc ? e.hash.loc.first_column + 1 : e.column !== undefined ? e.column + 1 : undefined;
    const first = (e.message ?? String(err)).split('\n')[0].replace(/ - \d+:\d+$/, '');
    const where = line !== undefined ? ` at line ${line}${column !== undefined ? `, column ${column}` : ''}` : '';
    return new EnvoiError('TEMPLATE_ERROR', `The ${field} template has an error${where}: ${first}`, {
        hint: 'Check that every {{#if}}, {{#each}} and {{#unless}} is closed and every {{ has its }}.',
        details: [{ path: `/${field}`, message: `${first}${where}` }],
        extra: { field, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) },
    });
}
// Workflows send the same templates over and over: keep the compiled ones (a bounded map, the
// oldest dropped first). Keyed by kind too, since html escapes and subject/text do not.
const CACHE_SIZE = 500;
const cache = new Map();
/** Compiles a template now (so syntax errors surface at validate/preview time, not at send). */
export function compileTemplate(source, field) {
    if (source.length > MAX_TEMPLATE_CHARS) {
        throw new EnvoiError('VALIDATION_FAILED', `The ${field} template is longer than ${MAX_TEMPLATE_CHARS} characters`, { details: [{ path: `/${field}`, message: `must be at most ${MAX_TEMPLATE_CHARS} characters` }] });
    }
    const key = `${field === 'html' ? 'h' : 't'}:${source}`;
    let fn = cache.get(key);
    if (!fn) {
        try {
            // Parsed now so a syntax error surfaces here; compile() would only parse at the first render.
            const ast = hb.parse(source);
            checkHelpers(ast, field);
            fn = hb.compile(ast, { noEscape: field !== 'html', strict: false, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true });
        }
        catch (err) {
            throw err instanceof EnvoiError ? err : templateError(field, err);
        }
        if (cache.size >= CACHE_SIZE)
            cache.delete(cache.keys().next().value);
        cache.set(key, fn);
    }
    const compiled = fn;
    return {
        render(data, meter) {
            try {
                if (!meter)
                    return compiled(data);
                meter.committed = meter.rendered;
                const out = metered(meter, () => compiled(data));
                meter.rendered += out.length;
                meter.checkOutput(meter.rendered);
                return out;
            }
            catch (err) {
                throw err instanceof EnvoiError || err instanceof RangeError ? err : templateError(field, err);
            }
        },
    };
}
//# sourceMappingURL=engine.js.map