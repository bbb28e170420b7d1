// `npm start`, `npm run worker` and `npm run envoi` run what `npm install` (or `npm run build`)
// compiled into dist/, without rebuilding (design.md "Embedding and operations"), so the server is
// up in about a second. Without a build there is nothing to run: one line says how to make one.
import fs from 'node:fs';

const bin = new URL('../dist/bin/envoi.js', import.meta.url);
if (!fs.existsSync(bin)) {
  process.stderr.write('envoi: dist/bin/envoi.js is missing: run npm run build (npm install runs it too)\n');
  process.exit(1);
}
await import(bin.href);
