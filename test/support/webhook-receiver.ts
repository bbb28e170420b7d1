import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, and whether `standardwebhooks` verified it with the endpoint's secret. */
export interface ReceivedHook {
  id: string;
  timestamp: string;
  body: string;
  /** The verified body ({type, timestamp, data}); undefined when verification failed. */
  event: { type: string; timestamp: string; data: Record<string, any> } | undefined;
  error: string | undefined;
}

/**
 * A host's webhook receiver on 127.0.0.1:0: it verifies every message with the `standardwebhooks`
 * package (the Standard Webhooks reference library) as a real host would, and answers what the
 * test scripts: a status per request from `answers` (then `status`), or no answer at all (`hang`).
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** The endpoint's secret (`whsec_…`), set once the test created the endpoint. */
  secret: string | undefined;
  /** Statuses for the next requests, in order; then `status`. */
  answers: number[] = [];
  status = 200;
  /** Never answer (a receiver that hangs, to hold tries in flight). */
  hang = false;
  private server!: http.Server;
  private readonly hung = new Set<http.ServerResponse>();
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = { 'webhook-id': String(req.headers['webhook-id'] ?? ''), 'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''), 'webhook-signature': String(req.headers['webhook-signature'] ?? '') };
        let event: ReceivedHook['event'];
        let error: string | undefined;
        try {
          event = new Webhook(this.secret ?? 'whsec_').verify(body, headers) as ReceivedHook['event'];
        } catch (err) {
          error = (err as Error).message;
        }
        this.received.push({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], body, event, error });
        if (this.hang) {
          this.hung.add(res);
          return;
        }
        const status = this.answers.shift() ?? this.status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status} to ${headers['webhook-id']}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hooks/envoi'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The verified events of a type, in the order they came. */
  events(type: string): ReceivedHook[] {
    return this.received.filter((r) => r.event?.type === type);
  }

  /** Drops the requests held open (their client sees the connection close). */
  release(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
