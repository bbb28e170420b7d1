/**
 * The "header-style" fields of message/delivery-status (RFC 3464 §2.1) and
 * message/feedback-report (RFC 5965 §3.1): groups separated by blank lines, each a list of
 * `Name: value` lines folded like mail headers (RFC 5322 §2.2.3). Names are case-insensitive.
 */
export function parseFieldBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  let current: Map<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      current = undefined;
      last = undefined;
      continue;
    }
    if (/^[ \t]/.test(line) && current && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([!-9;-~]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    if (!current) blocks.push((current = new Map()));
    last = m[1]!.toLowerCase();
    // The first of a repeated field counts (a per-recipient group names one recipient).
    if (!current.has(last)) current.set(last, m[2]!.trim());
    else last = undefined;
  }
  return blocks;
}
