import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, parsePortList, type Config } from '../../connector/config.js';
import { createLogger } from '../../connector/log.js';
import type { LookupAll } from '../../connector/network-policy.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { conformanceHook } from './openapi-conformance.js';

export const PG_ADMIN_URL = process.env.ENVOI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A resolver for tests that answers from a table and never sends a DNS query: tests may only
 * reach this machine, and a query for an unknown name would go to the network's resolver.
 */
export function tableLookup(table: Record<string, string[]> = {}): LookupAll & { table: Record<string, string[]> } {
  const all: Record<string, string[]> = { localhost: ['127.0.0.1'], ...table };
  const fn = async (host: string) => {
    const found = all[host.toLowerCase()];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(fn, { table: all });
}

/** A database the suite can run on: SQLite in a temp dir, or a fresh PostgreSQL database. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Returns the DATABASE_URL to use (undefined for SQLite), or a reason it is unavailable. */
  create(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> } | { unavailable: string }>;
}

let pgProbe: Promise<string | undefined> | undefined;
function probePostgres(): Promise<string | undefined> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (err) {
      return `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(err as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgProbe;
}

/**
 * Creates a throw-away PostgreSQL database and returns its URL. The bench passes the server it was
 * given (`adminUrl`) and its own name prefix, so what it leaves behind after a crash is recognisable.
 */
export async function createPgDatabase(options: { adminUrl?: string; prefix?: string } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = options.adminUrl ?? PG_ADMIN_URL;
  const name = `${options.prefix ?? 'envoi_t'}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const BACKENDS: Backend[] = [
  { name: 'sqlite', create: async () => ({ databaseUrl: undefined, drop: async () => {} }) },
  {
    name: 'postgres',
    async create() {
      const reason = await probePostgres();
      if (reason) return { unavailable: reason };
      const db = await createPgDatabase();
      return { databaseUrl: db.url, drop: db.drop };
    },
  },
];

/** Checks every response of api() against the OpenAPI document (off with ENVOI_OPENAPI_CHECK=0). */
const conformance = conformanceHook();

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A running Envoi for tests: a temp data dir, a captured log, and an API client. */
export class TestEnvoi {
  server!: RunningServer;
  readonly logs: string[] = [];
  readonly adminKey = `test-admin-${crypto.randomBytes(12).toString('hex')}`;
  readonly dataDir: string;
  config!: Config;

  constructor(
    private readonly options: { databaseUrl?: string | undefined; overrides?: Partial<Config>; lookup?: LookupAll; dataDir?: string } = {},
  ) {
    this.dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-data-'));
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    // Tests talk to smtp-servers on loopback at random ports, which production refuses by default.
    this.config = loadConfig(
      { ENVOI_DATA_DIR: this.dataDir, ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : {}) },
      {
        port: 0,
        adminKey: this.adminKey,
        allowPrivateHosts: true,
        allowedPorts: parsePortList('1-65535'),
        smtpTimeouts: Object.freeze({ connection: 3000, greeting: 1500, socket: 10_000, dns: 3000 }),
        ...this.options.overrides,
      },
    );
    const logger = createLogger({ level: 'debug', write: (line) => this.logs.push(line) });
    this.server = await startServer(this.config, { logger, lookup: this.options.lookup ?? tableLookup() });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Stops and starts again on the same data directory and database. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async api<T = any>(method: string, urlPath: string, body?: unknown, options: { key?: string | null; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const key = options.key === undefined ? this.adminKey : options.key;
    const res = await fetch(`${this.url}${urlPath}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    conformance?.(method, urlPath, res.status, parsed, res.headers.get('content-type'));
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  /** Creates a key of a role and scope through the API and returns it. */
  async key(role: 'admin' | 'builder' | 'runtime', scope: string): Promise<string> {
    const r = await this.api('POST', '/api/v1/keys', { role, scope, label: `${role}@${scope}` });
    if (r.status !== 201) throw new Error(`key creation failed: ${r.text}`);
    return r.body.key as string;
  }

  /** Every file under the data directory, read as bytes. */
  dataFiles(): Array<{ file: string; bytes: Buffer }> {
    const out: Array<{ file: string; bytes: Buffer }> = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else out.push({ file: p, bytes: fs.readFileSync(p) });
      }
    };
    walk(this.dataDir);
    return out;
  }
}

/** An SMTP connection body pointed at a sink. */
export function smtpConnection(sink: { host: string; port: number }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `sink-${sink.port}-${crypto.randomBytes(3).toString('hex')}`, senderEmail: 'sender@envoi.test', host: sink.host, port: sink.port, ...extra };
}
