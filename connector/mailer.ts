import type Mail from 'nodemailer/lib/mailer';
import type { Config } from './config.js';
import type { ResolvedConnection } from './connections.js';
import type { StoredConnection } from './store/connections.js';
import type { Logger } from './log.js';
import type { LookupAll, NetworkPolicy } from './network-policy.js';
import { Microsoft365Provider } from './providers/microsoft365/microsoft365.js';
import { SmtpProvider, type RawMessage, type SendInfo, type TestResult } from './providers/smtp/smtp.js';

/**
 * The single path every mail takes to a provider. It fills the sender from the connection
 * (From with display name, Reply-To defaulting to the sender), so no caller can forget it.
 */
export class Mailer {
  readonly smtp: SmtpProvider;
  readonly microsoft365: Microsoft365Provider;
  constructor(opts: { config: Pick<Config, 'smtpTimeouts' | 'msAuthorityUrl' | 'msGraphUrl'>; policy: NetworkPolicy; lookup?: LookupAll; logger: Logger }) {
    this.smtp = new SmtpProvider(opts);
    this.microsoft365 = new Microsoft365Provider(opts);
  }

  /** Adds From and Reply-To of the connection to a message. */
  envelopeFor(conn: Pick<StoredConnection, 'settings'>, message: Mail.Options): Mail.Options {
    const s = conn.settings;
    return {
      ...message,
      from: s.senderName ? { name: s.senderName, address: s.senderEmail } : s.senderEmail,
      replyTo: message.replyTo ?? s.replyTo ?? s.senderEmail,
    };
  }

  /**
   * Checks, before a message is queued, what would refuse it for certain at send time: a host
   * that now resolves to a forbidden address, or a provider this version cannot send through.
   */
  async preflight(conn: StoredConnection): Promise<void> {
    // Microsoft 365's endpoints come from the operator's environment, never from a connection.
    if (conn.provider === 'smtp') await this.smtp.preflight(conn);
  }

  /**
   * Sends an already built MIME message (the outbox's) with its envelope. `message.control` lets a
   * stopping worker release a send that has not reached the server (see SendControl).
   */
  async sendRaw(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    if (conn.provider === 'microsoft365') {
      const info = await this.microsoft365.send(conn, message);
      // Graph takes the recipients from the message and reports none back: all were handed over.
      return { ...info, accepted: message.envelope.to };
    }
    return this.smtp.send(conn, message);
  }

  async test(conn: ResolvedConnection): Promise<TestResult> {
    return conn.provider === 'microsoft365' ? this.microsoft365.test(conn) : this.smtp.test(conn);
  }

  /** Whether the provider needs Bcc recipients in the MIME headers (Graph reads recipients from the message). */
  static keepsBcc(conn: Pick<StoredConnection, 'provider'>): boolean {
    return conn.provider === 'microsoft365';
  }

  /** Closes the cached transport of a connection that changed or was deleted. */
  evict(connectionId: string): void {
    this.smtp.evict(connectionId);
    this.microsoft365.clear();
  }

  close(): void {
    this.smtp.closeAll();
  }
}
