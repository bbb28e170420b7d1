import nodemailer, { type Transporter } from 'nodemailer';
import type { ResolvedConnection } from '../../connections.js';
import { SendFailure } from '../results.js';
import { HandOverGate } from '../send-control.js';
import { vettedAddresses, type SmtpReach } from './smtp-host.js';
import { smtpTransportOptions } from './smtp-options.js';
import type { SmtpOAuth } from './xoauth2.js';

/** Where sendMail's options carry a send's gate to the stream plugin below. */
export const GATE = 'envoiGate';

/** A connection's pooled transport, and the sends using it. */
export interface CachedTransport {
  key: string;
  transporter: Transporter;
  address: string;
  /** Sends using it now. */
  users: number;
  /** Evicted while being created: closed when its last send ends. */
  detached?: boolean;
}

/**
 * The pooled SMTP transports: one per connection, cached by id and version, closed and evicted
 * when the connection changes. No process-wide transport.
 */
export class SmtpTransports {
  private readonly transports = new Map<string, CachedTransport>();
  private readonly creating = new Map<string, { key: string; promise: Promise<CachedTransport> }>();
  constructor(
    private readonly reach: SmtpReach,
    private readonly oauth?: SmtpOAuth,
  ) {}

  /**
   * The pooled transport of a connection, created on first use. Sends that start together share
   * one creation: each making its own would open a pool apiece, past pool.maxConnections.
   */
  async get(conn: ResolvedConnection): Promise<CachedTransport> {
    const key = `${conn.id}:${conn.version}`;
    const cached = this.transports.get(conn.id);
    if (cached && cached.key === key) return cached;
    const pending = this.creating.get(conn.id);
    if (pending && pending.key === key) return pending.promise;
    // Assigned before its body passes the first await, so the body may compare against it.
    let promise!: Promise<CachedTransport>;
    promise = (async () => {
      const vetted = await vettedAddresses(conn, this.reach);
      if (!vetted.ok) throw new SendFailure(vetted.failure);
      const address = vetted.addresses[0]!;
      const transporter = nodemailer.createTransport(smtpTransportOptions(conn, address, this.reach.config, true, this.oauth?.provision(conn)) as never);
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
}
