import type Mail from 'nodemailer/lib/mailer';
import type { ResolvedConnection } from './connections.js';
import type { StoredConnection } from './store/connections.js';
import type { ProviderDriver, ProviderKey, ProviderRuntime, RawMessage } from './providers/provider.js';
import { PROVIDERS, providerOf } from './providers/registry.js';
import type { SendInfo, StageListener, TestResult } from './providers/results.js';

/**
 * The single path every mail takes to a provider: a lookup of the connection's provider in the
 * registry. It fills the sender from the connection (From with display name, Reply-To
 * defaulting to the sender), so no caller can forget it.
 */
export class Mailer {
  private readonly drivers: ReadonlyMap<ProviderKey, ProviderDriver>;
  constructor(runtime: ProviderRuntime) {
    this.drivers = new Map(Object.values(PROVIDERS).map((p) => [p.key, p.connect(runtime)]));
  }

  private driver(conn: Pick<StoredConnection, 'provider'>): ProviderDriver {
    const d = this.drivers.get(conn.provider);
    if (!d) throw new Error(`No provider "${conn.provider}"`);
    return d;
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
  preflight(conn: StoredConnection): Promise<void> {
    return this.driver(conn).preflight(conn);
  }

  /**
   * Sends an already built MIME message (the outbox's) with its envelope. `message.control` lets a
   * stopping worker release a send that has not reached the server (see SendControl).
   */
  sendRaw(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    return this.driver(conn).send(conn, message);
  }

  /** Tests a connection; `onStage` hears each stage as it starts. */
  test(conn: ResolvedConnection, onStage?: StageListener): Promise<TestResult> {
    return this.driver(conn).test(conn, onStage);
  }

  /** Whether the provider needs Bcc recipients in the MIME headers (an API reading recipients from the message). */
  static keepsBcc(conn: Pick<StoredConnection, 'provider'>): boolean {
    return providerOf(conn.provider).keepsBcc;
  }

  /** Closes the cached transport (or tokens) of a connection that changed or was deleted. */
  evict(connectionId: string): void {
    for (const d of this.drivers.values()) d.evict(connectionId);
  }

  close(): void {
    for (const d of this.drivers.values()) d.close();
  }
}
