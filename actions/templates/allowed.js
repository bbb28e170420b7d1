import { EnvoiError } from '../../connector/errors.js';
/**
 * Which helpers a template may call, checked on the parsed template before it is compiled, so a
 * refusal names the line and column. `log` would write a forged line into the server's log;
 * partials and decorators are not part of Envoi's templates; and the missing-helper fallbacks
 * (helperMissing for `{{name arg}}`, blockHelperMissing for a `{{#value}}…{{/value}}` section)
 * make a template's meaning depend on the data, so they are never reached.
 */
export const ENVOI_HELPERS = ['formatDate', 'formatDateTime', 'formatTime', 'default', 'eq', 'ne', 'upper', 'lower'];
const BLOCKS = new Set(['if', 'unless', 'each', 'with']);
const CALLABLE = new Set([...BLOCKS, 'lookup', ...ENVOI_HELPERS]);
/** Handlebars' compile options to match: only these helpers are known, and only known ones run. */
export const KNOWN_HELPERS = Object.freeze({
    helperMissing: false,
    blockHelperMissing: false,
    log: false,
    ...Object.fromEntries([...CALLABLE].map((h) => [h, true])),
});
/** Deeper than this, blocks are refused: no mail needs it, and compiling recurses per level. */
export const MAX_NESTING = 64;
const LIST = 'if, unless, each, with, lookup, formatDate, formatDateTime, formatTime, default, eq, ne, upper, lower';
function refuse(field, node, what, hint) {
    const line = node.loc?.start.line;
    const column = node.loc ? node.loc.start.column + 1 : undefined;
    const where = line !== undefined ? ` at line ${line}, column ${column}` : '';
    throw new EnvoiError('TEMPLATE_ERROR', `The ${field} template has an error${where}: ${what}`, {
        hint,
        details: [{ path: `/${field}`, message: `${what}${where}` }],
        extra: { field, ...(line !== undefined ? { line, column } : {}) },
    });
}
/** The helper a path names when called (`{{name …}}`), or undefined for a scoped or data path. */
function helperName(path) {
    if (path.type === 'PathExpression') {
        const parts = path.parts;
        return !path.data && path.depth === 0 && parts.length === 1 && path.original === parts[0] ? parts[0] : undefined;
    }
    // `{{"name" arg}}` calls the helper "name" (Handlebars turns a literal path into a path).
    if (path.type === 'StringLiteral' || path.type === 'NumberLiteral' || path.type === 'BooleanLiteral')
        return String(path.value);
    return undefined;
}
const children = (node) => {
    const out = [];
    if (node.path && node.path.type === 'SubExpression')
        out.push(node.path);
    out.push(...(node.params ?? []));
    for (const pair of (node.hash?.pairs ?? []))
        out.push(pair.value);
    return out;
};
/** Walks a parsed template; throws TEMPLATE_ERROR with line and column at the first refusal. */
export function checkHelpers(program, field, depth = 0) {
    for (const node of program.body)
        checkNode(node, field, depth);
}
function checkNode(node, field, depth) {
    if (depth > MAX_NESTING)
        refuse(field, node, `blocks are nested more than ${MAX_NESTING} deep`, 'Nest fewer blocks.');
    switch (node.type) {
        case 'ContentStatement':
        case 'CommentStatement':
        case 'PathExpression':
        case 'StringLiteral':
        case 'NumberLiteral':
        case 'BooleanLiteral':
        case 'UndefinedLiteral':
        case 'NullLiteral':
            return;
        case 'MustacheStatement':
        case 'SubExpression': {
            const name = helperName(node.path);
            const call = node.type === 'SubExpression' || children(node).length > 0;
            if (call && name === 'log')
                refuse(field, node, 'the helper "log" is not available', 'Remove {{log}}: templates cannot write to the server log.');
            if (call && (name === undefined || !CALLABLE.has(name))) {
                refuse(field, node, `"${name ?? String(node.path.original ?? '')}" is not a helper Envoi knows`, `Use only these helpers: ${LIST}; or write {{name}} without arguments to insert a value.`);
            }
            for (const c of children(node))
                checkNode(c, field, depth + 1);
            return;
        }
        case 'BlockStatement': {
            const name = helperName(node.path);
            if (name === undefined || !BLOCKS.has(name)) {
                const shown = String(node.path.original ?? name ?? '');
                refuse(field, node, `the section {{#${shown}}} is not available`, `Use {{#if ${shown}}}, {{#with ${shown}}} or {{#each ${shown}}} to test, enter or repeat a value; only if, unless, each and with open a block.`);
            }
            for (const c of children(node))
                checkNode(c, field, depth + 1);
            if (node.program)
                checkHelpers(node.program, field, depth + 1);
            if (node.inverse)
                checkHelpers(node.inverse, field, depth + 1);
            return;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
            return refuse(field, node, 'partials ({{> name}}) are not available', 'Write the content into the template itself.');
        case 'Decorator':
        case 'DecoratorBlock':
            return refuse(field, node, 'decorators ({{* name}}) are not available', 'Remove the decorator.');
        default:
            return refuse(field, node, `${node.type} is not supported`, 'Remove it from the template.');
    }
}
//# sourceMappingURL=allowed.js.map