// Compiled once: `convert` compiles its options (a selector decision tree) on every call, which
// cost more than the conversion itself (html-to-text's README recommends `compile` for reuse).
import { compile } from 'html-to-text';

/** The plain-text part a person can read: paragraphs kept, links kept as "text [url]", no tags. */
export const textFromHtml: (html: string) => string = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
});
