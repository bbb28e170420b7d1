import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { testPki } from './certs.js';

/** A mail the sink received: the envelope it was given and the parsed message. */
export interface Received {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
  user: string | undefined;
  secure: boolean;
}

export interface AuthAttempt {
  method: string;
  username: string | undefined;
  secure: boolean;
  ok: boolean;
}

export interface SinkOptions {
  /** none: plain only; starttls: STARTTLS offered; implicit: TLS from the first byte. */
  tls?: 'none' | 'starttls' | 'implicit';
  /** Offer STARTTLS in the EHLO reply (default true with tls 'starttls' or 'none'+certs). */
  hideSTARTTLS?: boolean;
  /** Accounts accepted by AUTH; without, AUTH is not advertised. */
  users?: Record<string, string>;
  authMethods?: Array<'PLAIN' | 'LOGIN' | 'XOAUTH2'>;
  /** Accepts AUTH XOAUTH2 when this says the token is good for the user (as Exchange Online checks it). */
  xoauth2?: (user: string, accessToken: string) => boolean;
  /** Use a self-signed certificate instead of the test CA's. */
  selfSigned?: boolean;
  /** Accept AUTH without TLS (so a test can see whether a client ever sends it in clear). */
  allowInsecureAuth?: boolean;
  /** Extra hooks and options, e.g. onMailFrom rejecting a sender. */
  server?: Partial<SMTPServerOptions>;
}

/** A real smtp-server on 127.0.0.1:0 that parses what it receives with mailparser. */
export class SmtpSink {
  readonly received: Received[] = [];
  readonly authAttempts: AuthAttempt[] = [];
  private server!: SMTPServer;
  port = 0;
  readonly host = '127.0.0.1';
  private waiters: Array<() => void> = [];

  constructor(private readonly options: SinkOptions = {}) {}

  async start(): Promise<this> {
    const o = this.options;
    const users = o.users;
    const authOn = !!users || !!o.xoauth2;
    const tlsMode = o.tls ?? 'starttls';
    // A plain sink never shows a certificate, so it needs no openssl run (the bench uses one too).
    const pki = tlsMode === 'none' ? undefined : testPki();
    const opts: SMTPServerOptions = {
      secure: tlsMode === 'implicit',
      ...(pki ? { key: o.selfSigned ? pki.selfSignedKey : pki.serverKey, cert: o.selfSigned ? pki.selfSignedCert : pki.serverCert } : {}),
      hideSTARTTLS: o.hideSTARTTLS ?? tlsMode === 'none',
      // Hiding STARTTLS alone only drops it from EHLO; a server without STARTTLS also refuses the command.
      disabledCommands: [...(authOn ? [] : ['AUTH']), ...(o.hideSTARTTLS || tlsMode === 'none' ? ['STARTTLS'] : [])],
      authMethods: o.authMethods ?? (o.xoauth2 ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN']),
      authOptional: !authOn,
      allowInsecureAuth: o.allowInsecureAuth ?? false,
      disableReverseLookup: true,
      logger: false,
      size: 50 * 1024 * 1024,
      onAuth: (auth, session, cb) => {
        const ok = auth.method === 'XOAUTH2' ? !!o.xoauth2?.(auth.username ?? '', auth.accessToken ?? '') : !!users && users[auth.username ?? ''] === auth.password;
        this.authAttempts.push({ method: auth.method, username: auth.username, secure: session.secure, ok });
        // Exchange Online answers a refused token with 535 5.7.3, not the RFC 7628 error challenge.
        if (!ok && auth.method === 'XOAUTH2') return cb(Object.assign(new Error('5.7.3 Authentication unsuccessful [SN4PR0201CA0045.namprd02.prod.outlook.com]'), { responseCode: 535 }));
        if (!ok) return cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
        cb(null, { user: auth.username });
      },
      onData: (stream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.record(Buffer.concat(chunks), session).then(() => cb(), (err: Error) => cb(err));
        });
      },
      ...o.server,
    };
    this.server = new SMTPServer(opts);
    this.server.on('error', () => {});
    await new Promise<void>((resolve) => this.server.listen(0, this.host, () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Resolves once `n` mails have arrived (or rejects after `ms`). */
  async waitFor(n: number, ms = 10_000): Promise<Received[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} mails, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Parses and keeps a received message (for onData hooks that deliver after misbehaving). */
  async record(rawBytes: Buffer, session: SMTPServerSession): Promise<void> {
    const raw = rawBytes.toString('utf8');
    const parsed = await simpleParser(raw);
    this.received.push({
      envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
      raw,
      parsed,
      user: session.user as string | undefined,
      secure: session.secure,
    });
    for (const w of this.waiters.splice(0)) w();
  }

  /** Kills the TCP connection of a session at once (a reset, as a crashing server would). */
  dropConnection(session: SMTPServerSession): void {
    for (const c of this.server.connections) {
      if (c.session.id === session.id) {
        const socket = c._socket as net.Socket & { resetAndDestroy?: () => void };
        if (socket.resetAndDestroy) socket.resetAndDestroy();
        else socket.destroy();
      }
    }
  }

  /** Drops every open connection (a server closing idle sessions): pooled clients must connect and authenticate again. */
  dropAll(): void {
    for (const c of this.server.connections) c._socket.destroy();
  }

  /** Message-IDs received, to count copies. */
  messageIds(): string[] {
    return this.received.map((r) => r.parsed.messageId ?? '');
  }

  /** Closes at once: pooled clients keep idle connections open, which smtp-server would wait for. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A plain sink that takes `delayMs` to say 250 to each message, like a slow relay. By default the
 * message counts as received when its final dot arrives (the relay has it, the reply is what is
 * slow); with `recordAfterDelay` only once the 250 is about to be sent.
 */
export function slowSink(delayMs: number, opts: { recordAfterDelay?: boolean; onArrival?: () => void } = {}): SmtpSink {
  const sink: SmtpSink = new SmtpSink({
    tls: 'none',
    server: {
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          opts.onArrival?.();
          const record = () => sink.record(Buffer.concat(chunks), session);
          if (opts.recordAfterDelay) setTimeout(() => void record().then(() => cb(), cb), delayMs);
          else void record().then(() => setTimeout(() => cb(), delayMs), cb);
        });
      },
    },
  });
  return sink;
}

/**
 * A raw TCP listener on 127.0.0.1: by default it accepts connections and never says a word
 * (greeting timeouts); `talk` scripts what it says instead (a broken server).
 */
export async function silentServer(talk?: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    talk?.(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
