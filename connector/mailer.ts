import type Mail from 'nodemailer/lib/mailer';
import type { Config } from './config.js';
import { EnvoiError } from './errors.js';
import type { ResolvedConnection } from './connections.js';
import type { StoredConnection } from './store/connections.js';
import type { Logger } from './log.js';
import type { LookupAll, NetworkPolicy } from './network-policy.js';
import { SmtpProvider, type SendInfo, type TestResult } from './providers/smtp.js';

/**
 * The single path every mail takes to a provider. It fills the sender from the connection
 * (From with display name, Reply-To defaulting to the sender), so no caller can forget it.
 */
export class Mailer {
  readonly smtp: SmtpProvider;
  constructor(opts: { config: Pick<Config, 'smtpTimeouts'>; policy: NetworkPolicy; lookup?: LookupAll; logger: Logger }) {
    this.smtp = new SmtpProvider(opts);
  }

  private notYet(conn: Pick<StoredConnection, 'name'>): never {
    throw new EnvoiError('PROVIDER_UNAVAILABLE', `Connection "${conn.name}" uses Microsoft 365, which this version stores but cannot send through yet`);
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

  async send(conn: ResolvedConnection, message: Mail.Options): Promise<SendInfo> {
    if (conn.provider !== 'smtp') this.notYet(conn);
    return this.smtp.send(conn, this.envelopeFor(conn, message));
  }

  /**
   * Checks, before a message is queued, what would refuse it for certain at send time: a host
   * that now resolves to a forbidden address, or a provider this version cannot send through.
   */
  async preflight(conn: StoredConnection): Promise<void> {
    if (conn.provider !== 'smtp') this.notYet(conn);
    await this.smtp.preflight(conn);
  }

  /** Sends an already built MIME message (the outbox's) with its envelope. */
  async sendRaw(conn: ResolvedConnection, message: { envelope: { from: string; to: string[] }; raw: string; signal?: AbortSignal }): Promise<SendInfo> {
    if (conn.provider !== 'smtp') this.notYet(conn);
    return this.smtp.send(conn, message as Mail.Options);
  }

  async test(conn: ResolvedConnection): Promise<TestResult> {
    if (conn.provider !== 'smtp') this.notYet(conn);
    return this.smtp.test(conn);
  }

  /** Closes the cached transport of a connection that changed or was deleted. */
  evict(connectionId: string): void {
    this.smtp.evict(connectionId);
  }

  close(): void {
    this.smtp.closeAll();
  }
}
