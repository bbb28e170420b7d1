import { Readable } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type Mail from 'nodemailer/lib/mailer';
import type { Config } from '../config.js';
import { classifySmtpError, type Failure, type Stage } from '../classify.js';
import { effectiveUser, type ResolvedConnection } from '../connections.js';
import type { Logger } from '../log.js';
import { resolveAndVet, type LookupAll, type NetworkPolicy } from '../network-policy.js';
import { smtpTransportOptions } from './smtp-options.js';
import { HandOverGate, SendReleased, type SendControl } from './send-control.js';

/** The message an SMTP send takes: the outbox's MIME text and its envelope. */
export interface RawMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  control?: SendControl | undefined;
}

/** Where sendMail's options carry a send's gate to the stream plugin below. */
const GATE = 'envoiGate';

/** Bytes per chunk of a message handed to nodemailer. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The message as a stream of chunks. Given as one string, it would travel as one chunk and sit
 * whole in the socket's buffer at once, so the gate would count it handed over while most of it,
 * and its final dot, had not left the process; in chunks, the socket's backpressure reaches the gate.
 */
function chunked(raw: string): Readable {
  const bytes = Buffer.from(raw, 'utf8');
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
    })(),
    { objectMode: false },
  );
}

/** The result of a connection test (design.md: 200 `{ok, stage, code?, message, hint?, durationMs}`). */
export interface TestResult {
  ok: boolean;
  stage: Stage;
  code?: string;
  message: string;
  hint?: string;
  durationMs: number;
  /** What the server showed: whether TLS was used and which AUTH methods it offered. */
  server?: { address: string; tls: boolean; authMethods: string[] };
  responseCode?: number;
  reply?: string;
}

/** What a successful send reports. */
export interface SendInfo {
  messageId: string;
  accepted: string[];
  /** Refused for good (a 5xx reply to RCPT TO). */
  rejected: string[];
  /** Refused for now (a 4xx reply to RCPT TO, e.g. greylisting): to be tried again alone. */
  deferred: string[];
  /** The server's reply to the first deferred recipient. */
  deferredReply?: string;
  response: string;
}

export class SendFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'SendFailure';
  }
}

export interface SmtpProviderOptions {
  config: Pick<Config, 'smtpTimeouts'>;
  policy: NetworkPolicy;
  lookup?: LookupAll;
  logger: Logger;
}

interface CachedTransport {
  key: string;
  transporter: Transporter;
  address: string;
  /** Sends using it now. */
  users: number;
  /** Evicted while being created: closed when its last send ends. */
  detached?: boolean;
}

type Internals = { _supportedAuth?: string[]; secure: boolean; allowsAuth: boolean };

/**
 * SMTP through nodemailer: one pooled transport per connection (cached by id and version,
 * closed on change), and a staged connection test that reports the last step reached.
 */
export class SmtpProvider {
  private readonly transports = new Map<string, CachedTransport>();
  private readonly creating = new Map<string, { key: string; promise: Promise<CachedTransport> }>();
  constructor(private readonly opts: SmtpProviderOptions) {}

  private async vettedAddresses(conn: Pick<ResolvedConnection, 'settings'>): Promise<{ ok: true; addresses: string[] } | { ok: false; failure: Failure }> {
    const s = conn.settings;
    const r = await resolveAndVet(s.host!, this.opts.policy, { lookup: this.opts.lookup, timeoutMs: this.opts.config.smtpTimeouts.dns });
    if (r.ok) return r;
    return { ok: false, failure: classifySmtpError(Object.assign(r.error, { code: 'EDNS', originalCode: r.error.code ?? 'ENOTFOUND' }), { host: s.host!, port: s.port!, secure: !!s.secure }) };
  }

  /** Resolves and vets the host now; throws HOST_NOT_ALLOWED (resolution failures are left to the send). */
  async preflight(conn: { settings: { host?: string } }): Promise<void> {
    await resolveAndVet(conn.settings.host!, this.opts.policy, { lookup: this.opts.lookup, timeoutMs: this.opts.config.smtpTimeouts.dns });
  }

  /**
   * The pooled transport of a connection, created on first use. Sends that start together share
   * one creation: each making its own would open a pool apiece, past pool.maxConnections.
   */
  private async transport(conn: ResolvedConnection): Promise<CachedTransport> {
    const key = `${conn.id}:${conn.version}`;
    const cached = this.transports.get(conn.id);
    if (cached && cached.key === key) return cached;
    const pending = this.creating.get(conn.id);
    if (pending && pending.key === key) return pending.promise;
    // Assigned before its body passes the first await, so the body may compare against it.
    let promise!: Promise<CachedTransport>;
    promise = (async () => {
      const vetted = await this.vettedAddresses(conn);
      if (!vetted.ok) throw new SendFailure(vetted.failure);
      const address = vetted.addresses[0]!;
      const transporter = nodemailer.createTransport(smtpTransportOptions(conn, address, this.opts.config, true) as never);
      // Every message passes its send's gate last, so the send knows when its final dot went out.
      transporter.use('stream', (mail, done) => {
        const gate = (mail.data as Record<string, unknown>)[GATE];
        if (gate instanceof HandOverGate) mail.message.processFunc((input) => gate.attach(input));
        done();
      });
      const entry: CachedTransport = { key, transporter, address, users: 0 };
      if (this.creating.get(conn.id)?.promise === promise) {
        const old = this.transports.get(conn.id);
        if (old && old.key !== key) old.transporter.close();
        this.transports.set(conn.id, entry);
      } else {
        // Evicted while it was being made: serve the sends that waited for it, then close.
        entry.detached = true;
      }
      return entry;
    })();
    this.creating.set(conn.id, { key, promise });
    try {
      return await promise;
    } finally {
      if (this.creating.get(conn.id)?.promise === promise) this.creating.delete(conn.id);
    }
  }

  /** Closes and forgets the pooled transport of a connection (after an edit or a delete). */
  evict(connectionId: string): void {
    this.creating.delete(connectionId);
    const cached = this.transports.get(connectionId);
    if (!cached) return;
    this.transports.delete(connectionId);
    cached.transporter.close();
  }

  /** Closes every pooled transport. */
  closeAll(): void {
    for (const id of [...this.transports.keys()]) this.evict(id);
  }

  /**
   * Sends one message through the connection's pool; throws SendFailure with a classified failure
   * (OUTCOME_UNKNOWN when the connection failed after the final dot), or SendReleased when
   * `control` gave the send up before anything could be delivered.
   */
  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    const s = conn.settings;
    const { control } = message;
    if (control?.release.aborted) throw new SendReleased('before-data');
    const t = await this.transport(conn);
    const gate = new HandOverGate();
    // Aborting tells nodemailer's pool to drop the queued message or close the connection carrying
    // it; only done while the final dot has not been written.
    const abort = new AbortController();
    t.users++;
    const detach: Array<() => void> = [];
    try {
      const sending = t.transporter.sendMail({ envelope: message.envelope, raw: chunked(message.raw), signal: abort.signal, [GATE]: gate } as Mail.Options);
      const stopped = new Promise<never>((_, reject) => {
        const on = (signal: AbortSignal | undefined, handler: () => void) => {
          if (!signal) return;
          if (signal.aborted) return handler();
          signal.addEventListener('abort', handler, { once: true });
          detach.push(() => signal.removeEventListener('abort', handler));
        };
        const giveUp = () => {
          const when = gate.state === 'waiting' ? 'before-data' : 'before-end';
          if (!gate.release()) return false;
          // Settled first, so the race reports the release and not nodemailer's abort error.
          reject(new SendReleased(when));
          abort.abort(new SendReleased(when));
          return true;
        };
        // Not yet at DATA: nothing reached the server, so it is released at once.
        on(control?.release, () => void (gate.state === 'waiting' && giveUp()));
        on(control?.deadline, () => {
          if (giveUp()) return;
          reject(new SendFailure(classifySmtpError(Object.assign(new Error('stopped waiting for the reply at shutdown'), { code: 'ETIMEDOUT' }), { host: s.host!, port: s.port!, secure: !!s.secure, reached: 'send', handedOver: true })));
        });
      });
      stopped.catch(() => {});
      sending.catch(() => {});
      const info = (await Promise.race([sending, stopped])) as {
        messageId: string;
        accepted: Array<string | { address: string }>;
        rejected: Array<string | { address: string }>;
        rejectedErrors?: Array<{ recipient?: string; responseCode?: number; response?: string }>;
        response: string;
      };
      const flat = (list: Array<string | { address: string }>) => list.map((a) => (typeof a === 'string' ? a : a.address));
      // nodemailer reports each refused recipient with the server's reply; a 4xx one is only deferred.
      const deferredErrors = (info.rejectedErrors ?? []).filter((e) => e.recipient && e.responseCode && e.responseCode >= 400 && e.responseCode < 500);
      const deferred = deferredErrors.map((e) => e.recipient!);
      return {
        messageId: info.messageId,
        accepted: flat(info.accepted ?? []),
        rejected: flat(info.rejected ?? []).filter((a) => !deferred.includes(a)),
        deferred,
        ...(deferredErrors[0]?.response ? { deferredReply: deferredErrors[0].response } : {}),
        response: info.response,
      };
    } catch (err) {
      if (err instanceof SendReleased || err instanceof SendFailure) throw err;
      if (gate.state === 'released') throw new SendReleased('before-end');
      const failure = classifySmtpError(err, { host: s.host!, port: s.port!, secure: !!s.secure, reached: 'send', secrets: [conn.secrets.password ?? ''], handedOver: gate.handedOver });
      // A connection-level failure may mean the address moved or the pool is wedged: start afresh next time.
      if (failure.stage !== 'send') this.evict(conn.id);
      this.opts.logger.warn('smtp send failed', { connectionId: conn.id, code: failure.code, stage: failure.stage, responseCode: failure.responseCode });
      throw new SendFailure(failure);
    } finally {
      for (const d of detach) d();
      if (--t.users === 0 && t.detached) t.transporter.close();
    }
  }

  /**
   * Tests a connection step by step: dns → connect → tls → auth → done. Unlike nodemailer's
   * verify(), a test with credentials only passes when the server really authenticated them
   * (verify() succeeds against a server that advertises no AUTH at all).
   */
  async test(conn: ResolvedConnection): Promise<TestResult> {
    const started = Date.now();
    const s = conn.settings;
    const ctx = { host: s.host!, port: s.port!, secure: !!s.secure, secrets: [conn.secrets.password ?? ''] };
    const done = (r: Omit<TestResult, 'durationMs'>): TestResult => ({ ...r, durationMs: Date.now() - started });
    const fail = (f: Failure, extra: Partial<TestResult> = {}): TestResult =>
      done({ ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}), ...extra });

    const vetted = await this.vettedAddresses(conn);
    if (!vetted.ok) return fail(vetted.failure);

    let last: Failure | undefined;
    for (const address of vetted.addresses) {
      const connection = new SMTPConnection(smtpTransportOptions(conn, address, this.opts.config, false));
      const internals = connection as unknown as Internals;
      let reached: Stage = 'connect';
      try {
        await new Promise<void>((resolve, reject) => {
          connection.once('error', reject);
          connection.connect((err) => (err ? reject(err) : resolve()));
        });
        reached = internals.secure ? 'tls' : 'connect';
        const server = { address, tls: internals.secure, authMethods: [...(internals._supportedAuth ?? [])] };
        const user = effectiveUser(s);
        if (user === undefined) {
          return done({ ok: true, stage: 'done', message: `Connected to ${s.host}:${s.port}${server.tls ? ' over TLS' : ''}; no login configured`, server });
        }
        if (!internals.secure) {
          // nodemailer's requireTLS stops this earlier; this guard keeps it true if that changes.
          return fail({ code: 'STARTTLS_UNAVAILABLE', stage: 'tls', transient: false, message: `${s.host}:${s.port} offers no STARTTLS`, hint: 'Use port 587 with STARTTLS or 465 with Secure on.' }, { server });
        }
        if (!internals.allowsAuth || server.authMethods.length === 0) {
          return fail(
            { code: 'AUTH_METHOD_UNSUPPORTED', stage: 'auth', transient: false, message: `${s.host}:${s.port} advertises no authentication, so the credentials cannot be checked`, hint: 'Use the server\'s submission port (587 or 465), or choose authentication NONE if it relays without login.' },
            { server },
          );
        }
        if (!server.authMethods.includes(s.authMethod!)) {
          return fail(
            { code: 'AUTH_METHOD_UNSUPPORTED', stage: 'auth', transient: false, message: `${s.host}:${s.port} does not offer ${s.authMethod}; it offers ${server.authMethods.join(', ')}`, hint: `Choose ${server.authMethods.find((m) => m === 'PLAIN' || m === 'LOGIN') ?? server.authMethods[0]} as the authentication method.` },
            { server },
          );
        }
        reached = 'auth';
        await new Promise<void>((resolve, reject) => {
          connection.login({ user, pass: conn.secrets.password ?? '', method: s.authMethod }, (err) => (err ? reject(err) : resolve()));
        });
        return done({ ok: true, stage: 'done', message: `Connected to ${s.host}:${s.port} over TLS and logged in as ${user} with ${s.authMethod}`, server });
      } catch (err) {
        last = classifySmtpError(err, { ...ctx, reached });
        // Another address of the same host may work; anything past connecting will not differ.
        if (!(last.stage === 'connect' && (last.code === 'CONNECTION_REFUSED' || last.code === 'CONNECTION_TIMEOUT'))) break;
      } finally {
        connection.removeAllListeners('error');
        connection.on('error', () => {});
        try {
          connection.quit();
        } catch {
          connection.close();
        }
      }
    }
    return fail(last!);
  }
}
