// Compiled once: `convert` compiles its options (a selector decision tree) on every call, which
// cost more than the conversion itself (html-to-text's README recommends `compile` for reuse).
import { compile } from 'html-to-text';
/**
 * Limits of the derived text part. html-to-text walks the document recursively (20,000 nested
 * divs overflowed the stack: a 500) and lays out long runs of siblings in more than linear time
 * (a 150,000-row table took 25 s), so the walk stops at a depth and a number of children, and the
 * input is cut before parsing. A person reads the start of a text part; the html part is sent whole.
 */
export const TEXT_LIMITS = Object.freeze({ maxInputLength: 2_000_000, maxDepth: 64, maxChildNodes: 5_000 });
const convert = compile({
    wordwrap: 78,
    // Cut here rather than by html-to-text's maxInputLength, which warns on the console each time.
    limits: { maxDepth: TEXT_LIMITS.maxDepth, maxChildNodes: TEXT_LIMITS.maxChildNodes, ellipsis: '…' },
    selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
});
/** The plain-text part a person can read: paragraphs kept, links kept as "text [url]", no tags. */
export const textFromHtml = (html) => convert(html.length > TEXT_LIMITS.maxInputLength ? html.slice(0, TEXT_LIMITS.maxInputLength) : html);
//# sourceMappingURL=text-from-html.js.map