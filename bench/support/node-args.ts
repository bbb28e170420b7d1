import fs from 'node:fs';

/**
 * The node options of package.json's start script (`node --flag … scripts/run.mjs serve`), so
 * every measured process runs as `npm start` runs Envoi: the bench measures what ships.
 */
export function productNodeArgs(): string[] {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  const out: string[] = [];
  for (const w of words.slice(words.indexOf('node') + 1)) {
    if (!w.startsWith('--')) break;
    out.push(w);
  }
  return out;
}
