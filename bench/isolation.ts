/**
 * Tenant isolation figure: a calm tenant's execute latency (p50, p99) alone, and again while one
 * tenant floods a relay that never answers and another sends pathological requests (nested loops,
 * a template that renders hundreds of megabytes, a 150,000-row table, 20,000 nested divs, a
 * quadratic-pattern attachment). The figure is the ratio of the two p99s, both measured in this
 * run against the same Envoi process (aim: at most 2×).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentServer } from '../test/support/smtp-sink.js';
import { httpRequest } from './support/http.js';
import { productNodeArgs } from './support/node-args.js';
import { countingSink } from './support/sink.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
const RATE = num('BENCH_ISOLATION_RATE', 40);
const SECONDS = num('BENCH_ISOLATION_SECONDS', 10);
const FLOOD_RATE = num('BENCH_ISOLATION_FLOOD_RATE', 100);
const EVIL_CONCURRENCY = num('BENCH_ISOLATION_EVIL_CONCURRENCY', 2);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'envoi.js');
const ADMIN = `bench-${crypto.randomBytes(12).toString('hex')}`;
const START_ARGS = productNodeArgs();

async function startEnvoi(): Promise<{ child: ChildProcess; url: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-isolation-'));
  const child = spawn(process.execPath, [...START_ARGS, BIN, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      ENVOI_DATA_DIR: dataDir,
      ENVOI_ADMIN_KEY: ADMIN,
      ENVOI_ALLOW_PRIVATE_HOSTS: 'true',
      ENVOI_ALLOWED_PORTS: '1-65535',
      ENVOI_LOG_LEVEL: 'error',
      // The dead relay must stay dead for the whole run: no timeout frees its sends early.
      ENVOI_SMTP_CONNECT_TIMEOUT_MS: '600000',
      ENVOI_SMTP_GREETING_TIMEOUT_MS: '600000',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`envoi exited with ${code} before listening`)));
  });
  return { child, url };
}

function request(agent: http.Agent, url: string, method: string, pathName: string, body?: unknown): Promise<{ status: number; text: string }> {
  return httpRequest(agent, url, { method, path: pathName, key: ADMIN, ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }), timeoutMs: 300_000 });
}

/** The calm tenant's executes on a fixed schedule; returns each one's latency in ms. */
async function calmLoop(url: string): Promise<{ lat: number[]; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const lat: number[] = [];
  let errors = 0;
  const jobs: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < RATE * SECONDS; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    jobs.push(
      request(agent, url, 'POST', '/api/v1/scopes/calm/actions/send-email/execute', { input: { to: 'ada@customer.test', subject: `calm ${i}`, html: '<p>Hello <b>there</b></p>' } }).then(
        (r) => (r.status === 202 ? void lat.push(performance.now() - start) : void errors++),
        () => void errors++,
      ),
    );
  }
  await Promise.all(jobs);
  agent.destroy();
  return { lat, errors };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Requests a hostile builder or runtime key may send. */
const EVIL: Array<{ what: string; path: string; body: unknown }> = [
  { what: 'three nested #each over 200 items', path: 'execute', body: { input: { to: 'x@customer.test', subject: 's', text: '{{#each a}}{{#each ../a}}{{#each ../../a}}x{{/each}}{{/each}}{{/each}}', data: { a: items(200) } } } },
  { what: 'a template that renders hundreds of MB', path: 'execute', body: { input: { to: 'x@customer.test', subject: 's', text: '{{v}}'.repeat(20_000), data: { v: 'y'.repeat(10_000) } } } },
  { what: 'a 150,000-row table and no text part', path: 'execute', body: { input: { to: 'x@customer.test', subject: 's', html: `<table>${'<tr><td>a</td><td>b</td></tr>'.repeat(150_000)}</table>` } } },
  { what: '20,000 nested divs', path: 'execute', body: { input: { to: 'x@customer.test', subject: 's', html: `${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}` } } },
  { what: 'an 80,000-character attachment ending in a bad character', path: 'validate', body: { input: { to: 'x@customer.test', subject: 's', text: 't', attachments: [{ filename: 'a.bin', content: `${'A '.repeat(40_000)}!` }] } } },
];

async function evilLoop(url: string, stop: { done: boolean }, answers: Map<string, { n: number; ms: number }>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  for (let i = 0; !stop.done; i++) {
    const e = EVIL[i % EVIL.length]!;
    const t0 = performance.now();
    const r = await request(agent, url, 'POST', `/api/v1/scopes/evil/actions/send-email/${e.path}`, e.body).catch(() => ({ status: 0, text: '' }));
    const ms = performance.now() - t0;
    let code = '';
    try {
      code = (JSON.parse(r.text) as { error?: { code?: string } }).error?.code ?? '';
    } catch {
      /* not JSON */
    }
    const key = `${e.what}: ${r.status}${code ? ` ${code}` : ''}`;
    const a = answers.get(key) ?? { n: 0, ms: 0 };
    answers.set(key, { n: a.n + 1, ms: a.ms + ms });
  }
  agent.destroy();
}

async function floodLoop(url: string, stop: { done: boolean }, scope = 'flood'): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let sent = 0;
  while (!stop.done) {
    await Promise.all(items(Math.max(1, FLOOD_RATE / 10)).map(() => request(agent, url, 'POST', `/api/v1/scopes/${scope}/actions/send-email/execute`, { input: { to: 'x@customer.test', subject: scope, text: scope } }).catch(() => undefined)));
    sent += Math.max(1, FLOOD_RATE / 10);
    await new Promise((r) => setTimeout(r, 100));
  }
  agent.destroy();
  return sent;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

async function main(): Promise<void> {
  const good = await countingSink();
  // A relay that accepts connections and never answers.
  const dead = await silentServer();
  const { child, url } = await startEnvoi();
  try {
    const agent = new http.Agent();
    for (const [scope, port] of [['calm', good.port], ['flood', dead.port], ['busy', good.port], ['evil', good.port]] as const) {
      const r = await request(agent, url, 'POST', `/api/v1/scopes/${scope}/connections`, { name: scope, senderEmail: `${scope}@envoi.test`, host: '127.0.0.1', port, authMethod: 'NONE', isDefault: true });
      if (r.status !== 201) throw new Error(`creating ${scope}'s connection answered ${r.status}: ${r.text}`);
    }
    agent.destroy();
    await calmLoop(url); // warm-up: JIT, compose threads, connection pools
    const alone = await calmLoop(url);
    const answers = new Map<string, { n: number; ms: number }>();
    /** The calm tenant's loop while the chosen attackers run. */
    const under = async (flood: 'flood' | 'busy' | undefined, evil: number) => {
      const stop = { done: false };
      const attackers = [...(flood ? [floodLoop(url, stop, flood)] : []), ...items(evil).map(() => evilLoop(url, stop, answers).then(() => 0))];
      await new Promise((r) => setTimeout(r, 1000));
      const r = await calmLoop(url);
      stop.done = true;
      const sent = await Promise.all(attackers);
      return { ...r, flooded: flood ? sent[0]! : 0 };
    };
    // The control: the same volume of ordinary mail from another tenant to a healthy relay. What
    // the calm tenant loses to it is the machine's load, not a failure of isolation.
    const busy = await under('busy', 0);
    const flooded = await under('flood', 0);
    const hostile = await under(undefined, EVIL_CONCURRENCY);
    const both = await under('flood', EVIL_CONCURRENCY);
    const row = (name: string, r: { lat: number[]; errors: number }) => `| ${name} | ${r.lat.length} | ${r.errors} | ${pct(r.lat, 50).toFixed(1)} | ${pct(r.lat, 99).toFixed(1)} | ${(pct(r.lat, 99) / pct(alone.lat, 99)).toFixed(2)}x |`;
    process.stdout.write(
      [
        `\n## Tenant isolation: a calm tenant's execute at ${RATE} req/s for ${SECONDS} s`,
        '',
        '| calm tenant | answered 202 | errors | p50 ms | p99 ms | p99 / alone |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        row('alone', alone),
        row(`control: another tenant sends ordinary mail at ${FLOOD_RATE}/s to a healthy relay (${busy.flooded} executes)`, busy),
        row(`while one tenant floods a dead relay at ${FLOOD_RATE}/s (${flooded.flooded} executes)`, flooded),
        row(`while one tenant sends pathological requests (${EVIL_CONCURRENCY} at a time)`, hostile),
        row(`while both do (${both.flooded} flood executes)`, both),
        '',
        `p99 under both attacks / p99 alone: **${(pct(both.lat, 99) / pct(alone.lat, 99)).toFixed(2)}x** (aim: at most 2x); a dead relay against the same load to a healthy one: ${(pct(flooded.lat, 99) / pct(busy.lat, 99)).toFixed(2)}x`,
        '',
        'What the hostile tenant was answered:',
        ...[...answers].sort().map(([k, a]) => `- ${k} (${a.n}x, ${(a.ms / a.n).toFixed(0)} ms each on average)`),
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGKILL');
    await dead.close();
    await good.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
