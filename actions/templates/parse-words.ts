/**
 * Handlebars' parse errors in words for people. Its parser (a Jison grammar) says "Parse error on
 * line 1:" and then lists grammar tokens ("Expecting 'OPEN_ENDBLOCK', got 'EOF'"); what it knows
 * is in the hash it hands parseError: the token it met and the ones it expected.
 */
export interface ParseHash {
  text?: string;
  token?: string;
  expected?: string[];
}

const VALUE_TOKENS = ["'ID'", "'STRING'", "'NUMBER'", "'DATA'"];

/** What went wrong, in a sentence that names the template's own text rather than grammar tokens. */
export function parseProblem(message: string, hash: ParseHash | undefined): string {
  // Handlebars' own check of a block's end: "if doesn't match each".
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch) return `{{/${mismatch[2]}}} closes a {{#${mismatch[1]}}} block; close it with {{/${mismatch[1]}}}`;
  if (!hash?.token) return message.split('\n')[0]!.replace(/ - \d+:\d+$/, '');
  const expected = hash.expected ?? [];
  if (hash.token === 'EOF') {
    return expected.includes("'OPEN_ENDBLOCK'")
      ? 'the template ends before a block is closed (a {{/if}}, {{/each}}, {{/unless}} or {{/with}} is missing)'
      : 'the template ends inside a {{ … }} that is not closed with }}';
  }
  if (hash.token === 'CLOSE' && expected.some((e) => VALUE_TOKENS.includes(e))) {
    return hash.text === '}}' && expected.includes("'OPEN_SEXPR'") ? 'a value is missing before }} (e.g. name= needs a value after it)' : 'a {{ }} is empty: put a field or helper name inside it';
  }
  if (hash.token === 'INVALID') return `"${hash.text ?? ''}" cannot appear inside {{ … }}`;
  return `"${hash.text ?? hash.token}" is not expected here`;
}
