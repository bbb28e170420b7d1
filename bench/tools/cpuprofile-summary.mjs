#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): where the busy time went, by package or by file of
// Envoi's, each sample charged to the nearest frame that is not Node's own (so a postMessage or a
// socket write counts for whoever asked for it). With --split <pattern>, the profile is cut at the
// first sample whose stack holds a frame matching the pattern (e.g. `delivery/worker.js` in the
// halves diagnostic: execute alone before it, the worker's drain after) and each part is summarised.
// Usage: node bench/tools/cpuprofile-summary.mjs <file.cpuprofile> [--split <pattern>] [--top N] [--functions]
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a) && args[args.indexOf(a) - 1] !== '--split');
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const top = Number(opt('--top') ?? 25);
const byFunction = args.includes('--functions');
if (!file) {
  console.error('usage: cpuprofile-summary.mjs <file.cpuprofile> [--split <pattern>] [--top N] [--functions]');
  process.exit(2);
}
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const node = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
function label(n) {
  const url = n.callFrame.url;
  if (!url || url.startsWith('node:')) return undefined;
  const pkg = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (pkg) return `package ${pkg[1]}`;
  return byFunction ? `${short(url)} ${n.callFrame.functionName || '(anonymous)'}` : short(url);
}
function stackHas(id, re) {
  for (; id !== undefined; id = parent.get(id)) { const n = node.get(id); if (re.test(`${n.callFrame.url} ${n.callFrame.functionName}`)) return true; }
  return false;
}
function summarise(title, from, to) {
  const acc = new Map();
  let busy = 0, idle = 0;
  for (let i = from; i < to; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    let id = p.samples[i];
    const first = node.get(id);
    if (first.callFrame.functionName === '(idle)') { idle += dt; continue; }
    busy += dt;
    let l;
    for (; id !== undefined && !(l = label(node.get(id))); id = parent.get(id));
    l ??= `Node/V8: ${first.callFrame.functionName || '(anonymous)'}`;
    acc.set(l, (acc.get(l) ?? 0) + dt);
  }
  console.log(`\n${title}: busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`);
  for (const [k, t] of [...acc].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((t / busy) * 100).toFixed(1).padStart(6)} %  ${k}`);
}
const split = opt('--split');
if (!split) summarise(file, 0, p.samples.length);
else {
  const re = new RegExp(split);
  let cut = p.samples.findIndex((id) => stackHas(id, re));
  if (cut < 0) cut = p.samples.length;
  summarise(`before the first ${split}`, 0, cut);
  summarise(`from the first ${split}`, cut, p.samples.length);
}
