import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { EnvoiError } from './errors.js';

/** Everything Envoi reads from its environment, parsed once and frozen. */
export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly secretKey: string | undefined;
  readonly adminKey: string | undefined;
  /** Bearer token that opens GET /metrics; unset, /metrics answers 404. */
  readonly metricsToken: string | undefined;
  readonly allowedPorts: PortList;
  readonly allowPrivateHosts: boolean;
  readonly retryBaseMs: number;
  readonly maxAttempts: number;
  readonly maxMessageBytes: number;
  /** Largest body of validate and preview (they need no 25 MB). */
  readonly maxPreviewBytes: number;
  readonly retentionDays: number;
  /** How long a claimed delivery stays a worker's without renewal; a dead worker's mail is retaken after it. */
  readonly leaseMs: number;
  /** How often an idle worker looks for due mail (in-process mail wakes it at once). */
  readonly pollMs: number;
  /** How often a worker reads the SMTP connections' bounce mailboxes (ENVOI_BOUNCE_POLL_MS). */
  readonly bouncePollMs: number;
  /** Sends a worker runs at once. */
  readonly workerConcurrency: number;
  /** Threads that render templates and build MIME messages (0: on the event loop, unbounded by threads). */
  readonly composeThreads: number;
  /** A render or compose job's deadline; past it the job fails alone with BUDGET_EXCEEDED. */
  readonly composeTimeoutMs: number;
  /** Heap (old generation, MB) of each compose thread; a job that needs more fails with BUDGET_EXCEEDED. */
  readonly composeMemoryMb: number;
  /** Message bytes a worker holds at once (claims stop there; one message is always allowed). */
  readonly workerMaxBytes: number;
  /** Sends of one connection a worker runs at once: a dead or slow relay holds no more of its slots. */
  readonly connectionMaxInFlight: number;
  /** Sends of one scope a worker runs at once, so one tenant never fills every slot. */
  readonly scopeMaxInFlight: number;
  /** Whether `serve` runs a delivery worker in its process (off for API-only servers). */
  readonly serveWorker: boolean;
  /**
   * Whether that worker runs on its own thread (ENVOI_WORKER_THREAD, default off): its own event
   * loop and database connection, for about 70 MB more memory. On 2 cores it measured within the
   * noise of the event loop's latency and 11 % faster end to end (bench/README.md); with cores to
   * spare it keeps the deliveries' CPU off the requests' loop.
   */
  readonly workerThread: boolean;
  /** How long SIGTERM waits for sends already past DATA (the rest are released at once). */
  readonly shutdownGraceMs: number;
  /** Attempts allowed after an attempt whose outcome is unknown (0: never risk a duplicate). */
  readonly unknownRetries: number;
  /** A worker whose database stays unreachable this long exits non-zero (so a supervisor restarts it). */
  readonly dbDownExitMs: number;
  /** How often a worker logs its counts (its health signal). */
  readonly healthLogMs: number;
  /** Multiplies the webhook retry schedule (ENVOI_WEBHOOK_RETRY_SCALE; tests use 0.01). */
  readonly webhookRetryScale: number;
  readonly msAuthorityUrl: string;
  readonly msGraphUrl: string;
  /** Google's service-account token endpoint and the Gmail API (design.md "Environment"). */
  readonly googleTokenUrl: string;
  readonly gmailApiUrl: string;
  /** Amazon SES v2; unset: `https://email.<region>.amazonaws.com` by the connection's region. */
  readonly sesUrl: string | undefined;
  readonly sendgridUrl: string;
  /** Mailgun; unset: by the connection's region (`api.mailgun.net`, `api.eu.mailgun.net`). */
  readonly mailgunUrl: string | undefined;
  readonly postmarkUrl: string;
  readonly resendUrl: string;
  /** ENVOI_PUBLIC_URL: this server's public base URL (one-click unsubscribe links); unset, send-email's listUnsubscribe is refused. */
  readonly publicUrl: string | undefined;
  /**
   * ENVOI_SNS_CERT_HOSTS: the hosts an SNS signing certificate (and a SubscribeURL) may come from,
   * `*` standing for one label. https only, but for a loopback address listed by name here.
   */
  readonly snsCertHosts: readonly string[];
  /** ENVOI_SANDBOX: no mail leaves the instance; every message is captured (design.md "Sandbox"). */
  readonly sandbox: boolean;
  /** ENVOI_MAILBOX_MAX: captured mails kept per scope, the oldest dropped first. */
  readonly mailboxMax: number;
  /** ENVOI_DNS_SERVERS: the DNS servers the domain check asks (`host[:port]`, comma-separated); unset, the system's. */
  readonly dnsServers: readonly string[] | undefined;
  /** SMTP timeouts in ms; short enough that a connection test answers while a person waits. */
  readonly smtpTimeouts: Readonly<{ connection: number; greeting: number; socket: number; dns: number }>;
}

/** An endpoint base URL from the environment, without a trailing slash; undefined when unset. */
const url = (v: string | undefined): string | undefined => (v ? v.replace(/\/+$/, '') : undefined);

/** A set of allowed TCP ports, written as `25,465,587,2525` or with ranges `1024-65535`. */
export interface PortList {
  readonly text: string;
  has(port: number): boolean;
}

export const DEFAULT_PORTS = '25,465,587,2525';

/**
 * Parses ENVOI_DNS_SERVERS: `1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`, separated by commas, in the
 * forms node:dns's setServers takes. Empty or unset: undefined (the system's servers).
 */
export function parseDnsServers(text: string | undefined): readonly string[] | undefined {
  const servers = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of servers) {
    const m = /^(?:\[([0-9a-f:.]+)\]|([0-9.]+)|([0-9a-f:]+))(?::(\d{1,5}))?$/i.exec(s);
    const ip = m ? (m[1] ?? m[2] ?? m[3])! : '';
    const port = m?.[4] === undefined ? 53 : Number(m[4]);
    if (!m || !net.isIP(ip) || (m[3] && m[4] !== undefined) || port < 1 || port > 65535) {
      throw new EnvoiError('CONFIG_INVALID', `ENVOI_DNS_SERVERS has an entry "${s}" that is not an IP address with an optional port`, {
        hint: 'Write addresses separated by commas, e.g. "1.1.1.1,127.0.0.1:5353,[::1]:53".',
      });
    }
  }
  return servers.length ? Object.freeze(servers) : undefined;
}

/** Parses ENVOI_ALLOWED_PORTS; throws a CONFIG_INVALID error naming the bad entry. */
export function parsePortList(text: string): PortList {
  const ranges: Array<[number, number]> = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 1 || hi > 65535 || lo > hi) {
      throw new EnvoiError('CONFIG_INVALID', `ENVOI_ALLOWED_PORTS has an entry "${part}" that is not a port or a range`, {
        hint: 'Write ports and ranges separated by commas, e.g. "25,465,587,2525" or "587,1024-65535".',
      });
    }
    ranges.push([lo, hi]);
  }
  return Object.freeze({
    text: ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(','),
    has: (port: number) => ranges.some(([lo, hi]) => port >= lo && port <= hi),
  });
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new EnvoiError('CONFIG_INVALID', `${name} must be a whole number of at least ${min}, not "${raw}"`, {
      hint: `Unset ${name} to use the default (${fallback}) or give a whole number.`,
    });
  }
  return n;
}

/** 0 keeps jobs on the event loop; any other count is raised to 2, the fewest that can be shared. */
const composeThreads = (n: number): number => (n === 0 ? 0 : Math.max(2, n));

/** A positive number, fractions allowed (a scale factor). */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new EnvoiError('CONFIG_INVALID', `${name} must be a number above 0, not "${raw}"`, { hint: `Unset ${name} to use the default (${fallback}) or give a number such as 0.5.` });
  }
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean {
  return /^(1|true|yes|on)$/i.test(env[name] ?? '');
}

/** Reads the environment of design.md ("Environment") into a frozen Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    port: int(env, 'PORT', 3000),
    dataDir: path.resolve(env.ENVOI_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.ENVOI_SECRET_KEY || undefined,
    adminKey: env.ENVOI_ADMIN_KEY || undefined,
    metricsToken: env.ENVOI_METRICS_TOKEN || undefined,
    allowedPorts: parsePortList(env.ENVOI_ALLOWED_PORTS || DEFAULT_PORTS),
    allowPrivateHosts: bool(env, 'ENVOI_ALLOW_PRIVATE_HOSTS'),
    retryBaseMs: int(env, 'ENVOI_RETRY_BASE_MS', 5000, 1),
    maxAttempts: int(env, 'ENVOI_MAX_ATTEMPTS', 8, 1),
    maxMessageBytes: int(env, 'ENVOI_MAX_MESSAGE_BYTES', 25 * 1024 * 1024, 1024),
    maxPreviewBytes: int(env, 'ENVOI_MAX_PREVIEW_BYTES', 5 * 1024 * 1024, 1024),
    retentionDays: int(env, 'ENVOI_RETENTION_DAYS', 30, 0),
    leaseMs: int(env, 'ENVOI_LEASE_MS', 60_000, 200),
    pollMs: int(env, 'ENVOI_POLL_MS', 500, 10),
    bouncePollMs: int(env, 'ENVOI_BOUNCE_POLL_MS', 60_000, 100),
    // Sends wait on the network, not the CPU: many in flight keep every pooled SMTP connection
    // busy and let one slow relay not hold up the others' mail. Memory is bounded by bytes below.
    workerConcurrency: int(env, 'ENVOI_WORKER_CONCURRENCY', 64, 1),
    // At least 2: one thread cannot be shared, a scope holds at most threads − 1 of them.
    composeThreads: composeThreads(int(env, 'ENVOI_COMPOSE_THREADS', Math.min(4, Math.max(2, os.availableParallelism() - 1)), 0)),
    composeTimeoutMs: int(env, 'ENVOI_COMPOSE_TIMEOUT_MS', 5000, 50),
    composeMemoryMb: int(env, 'ENVOI_COMPOSE_MEMORY_MB', 256, 32),
    workerMaxBytes: int(env, 'ENVOI_WORKER_MAX_BYTES', 64 * 1024 * 1024, 1024),
    // A pool keeps 5 SMTP connections by default; 16 sends keep them busy with room to spare, and
    // a tenant's dead relay then holds a quarter of a worker's 64 slots, not all of them.
    connectionMaxInFlight: int(env, 'ENVOI_CONNECTION_MAX_IN_FLIGHT', 16, 1),
    scopeMaxInFlight: int(env, 'ENVOI_SCOPE_MAX_IN_FLIGHT', 32, 1),
    serveWorker: !/^(0|false|no|off)$/i.test(env.ENVOI_SERVE_WORKER ?? ''),
    workerThread: bool(env, 'ENVOI_WORKER_THREAD'),
    shutdownGraceMs: int(env, 'ENVOI_SHUTDOWN_GRACE_MS', 10_000, 0),
    unknownRetries: int(env, 'ENVOI_UNKNOWN_RETRIES', 1, 0),
    dbDownExitMs: int(env, 'ENVOI_DB_DOWN_EXIT_MS', 60_000, 100),
    healthLogMs: int(env, 'ENVOI_HEALTH_LOG_MS', 60_000, 100),
    webhookRetryScale: positive(env, 'ENVOI_WEBHOOK_RETRY_SCALE', 1),
    msAuthorityUrl: (env.ENVOI_MS_AUTHORITY_URL || 'https://login.microsoftonline.com').replace(/\/+$/, ''),
    msGraphUrl: (env.ENVOI_MS_GRAPH_URL || 'https://graph.microsoft.com').replace(/\/+$/, ''),
    googleTokenUrl: env.ENVOI_GOOGLE_TOKEN_URL || 'https://oauth2.googleapis.com/token',
    gmailApiUrl: url(env.ENVOI_GMAIL_API_URL) ?? 'https://gmail.googleapis.com',
    sesUrl: url(env.ENVOI_SES_URL),
    sendgridUrl: url(env.ENVOI_SENDGRID_URL) ?? 'https://api.sendgrid.com',
    mailgunUrl: url(env.ENVOI_MAILGUN_URL),
    postmarkUrl: url(env.ENVOI_POSTMARK_URL) ?? 'https://api.postmarkapp.com',
    resendUrl: url(env.ENVOI_RESEND_URL) ?? 'https://api.resend.com',
    publicUrl: url(env.ENVOI_PUBLIC_URL),
    snsCertHosts: Object.freeze((env.ENVOI_SNS_CERT_HOSTS || 'sns.*.amazonaws.com').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
    sandbox: bool(env, 'ENVOI_SANDBOX'),
    mailboxMax: int(env, 'ENVOI_MAILBOX_MAX', 1000, 1),
    dnsServers: parseDnsServers(env.ENVOI_DNS_SERVERS),
    smtpTimeouts: Object.freeze({
      connection: int(env, 'ENVOI_SMTP_CONNECT_TIMEOUT_MS', 10_000, 100),
      greeting: int(env, 'ENVOI_SMTP_GREETING_TIMEOUT_MS', 10_000, 100),
      socket: int(env, 'ENVOI_SMTP_SOCKET_TIMEOUT_MS', 60_000, 100),
      dns: int(env, 'ENVOI_DNS_TIMEOUT_MS', 10_000, 100),
    }),
    ...overrides,
  };
  return Object.freeze(config);
}
