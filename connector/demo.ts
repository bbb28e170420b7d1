import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { EnvoiError } from './errors.js';
import type { ConnectionService } from './connections.js';
import type { NetworkPolicy } from './network-policy.js';

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
 * Demo mode's local capture SMTP server: a real smtp-server on 127.0.0.1 behind the "Local
 * capture" connection, so that connection passes its test like a real one. Demo mode is also a
 * sandbox (ENVOI_SANDBOX=true): mail is captured into the mailbox before any connection is used,
 * so a message reaching this server is one nobody asked to keep; it is accepted and dropped.
 */
export class CaptureServer {
  private server: SMTPServer | undefined;
  /** Messages this server was handed (none, while the sandbox captures everything first). */
  received = 0;
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
      onData: (stream, _session, cb) => {
        stream.on('data', () => {});
        stream.on('end', () => {
          this.received++;
          cb();
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

  async close(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export const DEMO_CONNECTION = 'Local capture';

/**
 * Points the platform's "Local capture" connection at this run's capture server, and makes it
 * the platform default only when the platform has none: a default an admin chose stays (an
 * earlier version made it the default at every demo start, and a later normal start then failed
 * every mail with HOST_NOT_ALLOWED). The network policy lets exactly that connection (platform scope, its id) reach
 * the capture server's own address and port, and nothing else on loopback: a tenant, or another
 * platform connection, pointing at 127.0.0.1 is refused as in production (HOST_NOT_ALLOWED).
 */
export async function useCapture(envoi: { connections: ConnectionService; policy: NetworkPolicy }, capture: CaptureServer): Promise<void> {
  const all = await envoi.connections.list('platform');
  const existing = all.find((c) => c.name === DEMO_CONNECTION);
  const id = existing?.id ?? crypto.randomUUID();
  envoi.policy.allowedEndpoints = [{ address: capture.host, port: capture.port, scope: 'platform', connectionId: id }];
  const settings = { host: capture.host, port: capture.port, secure: false, authMethod: 'NONE', senderEmail: 'demo@envoi.localhost', senderName: 'Envoi demo', ...(all.some((c) => c.isDefault) ? {} : { isDefault: true }) };
  if (existing) await envoi.connections.update('platform', existing.id, settings);
  else await envoi.connections.create('platform', { name: DEMO_CONNECTION, ...settings }, { id });
}
