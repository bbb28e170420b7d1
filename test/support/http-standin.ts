import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The common part of the local stand-ins for email APIs (SendGrid, Mailgun, SES, …): an HTTP
 * server on 127.0.0.1 that records every request whole and answers through the stand-in's own
 * handler, which follows the real API's documented wire format and checks authentication as the
 * real service does. A reply may also break the connection (`reset`) or never come (`hang`),
 * for the failure edges.
 */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON, when it parses. */
  json?: unknown;
  at: number;
}

export type Reply = { status: number; json?: unknown; text?: string; headers?: Record<string, string> } | 'reset' | 'hang';

export class HttpStandin {
  readonly requests: Recorded[] = [];
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  url = '';

  constructor(private readonly handle: (req: Recorded) => Reply | Promise<Reply>) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.answer(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://standin');
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const rec: Recorded = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body, json, at: Date.now() };
    this.requests.push(rec);
    let reply: Reply;
    try {
      reply = await this.handle(rec);
    } catch (err) {
      reply = { status: 500, json: { error: (err as Error).message } };
    }
    if (reply === 'reset') return void req.socket.destroy();
    if (reply === 'hang') return void this.hanging.add(res);
    const text = reply.json !== undefined ? JSON.stringify(reply.json) : reply.text ?? '';
    res.writeHead(reply.status, { 'content-type': reply.json !== undefined ? 'application/json' : 'text/plain', ...reply.headers });
    res.end(text);
  }

  /** Requests to a path (exact, or matching a pattern). */
  to(path: string | RegExp): Recorded[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.socket?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
