import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { SMTPServer } from 'smtp-server';
import { EnvoiError } from './errors.js';
import type { ConnectionService } from './connections.js';
import type { NetworkPolicy } from './network-policy.js';

/** A mail the demo mailbox caught, as the admin page shows it. */
export interface CapturedMail {
  id: string;
  receivedAt: string;
  envelope: { from: string; to: string[] };
  from: string;
  to: string;
  cc: string;
  subject: string;
  date: string | null;
  messageId: string | null;
  text: string;
  html: string | null;
  headers: Array<{ name: string; value: string }>;
  attachments: Array<{ filename: string | null; contentType: string; size: number; inline: boolean; contentId: string | null }>;
  size: number;
}

const KEEP = 200;

/**
 * smtp-server runs only in demo mode, so it is an optional dependency: loaded here, on demand,
 * and a host that installed Envoi without optional dependencies learns what to add.
 */
async function loadSmtpServer(): Promise<typeof import('smtp-server')> {
  try {
    return await import('smtp-server');
  } catch (err) {
    throw new EnvoiError('CONFIG_INVALID', 'Demo mode needs the optional package smtp-server, which is not installed', { hint: 'Run `npm install smtp-server` (or install Envoi with its optional dependencies), then start demo mode again.', cause: err });
  }
}

/**
 * Demo mode's local capture SMTP server: a real smtp-server on 127.0.0.1 that accepts every mail
 * and keeps the last ones in memory, parsed with mailparser, so a newcomer sees a first send
 * without any mail account.
 */
export class CaptureServer {
  private server: SMTPServer | undefined;
  private readonly mails: CapturedMail[] = [];
  port = 0;
  readonly host = '127.0.0.1';

  async start(port = 0): Promise<this> {
    const { SMTPServer } = await loadSmtpServer();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      banner: 'Envoi demo capture',
      size: 30 * 1024 * 1024,
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (p) => {
              const addr = (v: typeof p.to) => (v ? (Array.isArray(v) ? v.map((x) => x.text).join(', ') : v.text) : '');
              this.mails.unshift({
                id: crypto.randomUUID(),
                receivedAt: new Date().toISOString(),
                envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
                from: p.from?.text ?? '',
                to: addr(p.to),
                cc: addr(p.cc),
                subject: p.subject ?? '',
                date: p.date ? p.date.toISOString() : null,
                messageId: p.messageId ?? null,
                text: p.text ?? '',
                html: typeof p.html === 'string' ? p.html : null,
                headers: p.headerLines.map((h) => ({ name: h.key, value: h.line.slice(h.line.indexOf(':') + 1).trim() })),
                attachments: p.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size, inline: !!a.related, contentId: a.contentId ?? null })),
                size: raw.length,
              });
              this.mails.splice(KEEP);
              cb();
            },
            (err: Error) => cb(err),
          );
        });
      },
    });
    this.server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      this.server!.server.once('error', reject);
      this.server!.listen(port, this.host, () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Newest first. */
  list(): CapturedMail[] {
    return [...this.mails];
  }

  clear(): void {
    this.mails.length = 0;
  }

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export const DEMO_CONNECTION = 'Local capture';

/**
 * Points the platform's "Local capture" connection at this run's capture server and makes it
 * the default. The network policy lets exactly that connection (platform scope, its id) reach
 * the capture server's own address and port, and nothing else on loopback: a tenant, or another
 * platform connection, pointing at 127.0.0.1 is refused as in production (HOST_NOT_ALLOWED).
 */
export async function useCapture(envoi: { connections: ConnectionService; policy: NetworkPolicy }, capture: CaptureServer): Promise<void> {
  const existing = (await envoi.connections.list('platform')).find((c) => c.name === DEMO_CONNECTION);
  const id = existing?.id ?? crypto.randomUUID();
  envoi.policy.allowedEndpoints = [{ address: capture.host, port: capture.port, scope: 'platform', connectionId: id }];
  const settings = { host: capture.host, port: capture.port, secure: false, authMethod: 'NONE', senderEmail: 'demo@envoi.localhost', senderName: 'Envoi demo', isDefault: true };
  if (existing) await envoi.connections.update('platform', existing.id, settings);
  else await envoi.connections.create('platform', { name: DEMO_CONNECTION, ...settings }, { id });
}
