/**
 * One try of a webhook message: a POST to a vetted address of the endpoint's host (TLS still
 * checks the certificate against the name in the URL), 15 s for the whole exchange (design.md
 * "Events and webhooks"), and a bounded snippet of the answer kept for the admin.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { VettedUrl } from './webhook-url.js';

/** The whole try: connect, send, and the answer's status line (design.md: "15 s without an answer"). */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/** How much of an endpoint's answer is kept on its attempt. */
export const RESPONSE_SNIPPET_BYTES = 1024;

export interface WebhookAnswer {
  status: number | null;
  error: string | null;
  response: string | null;
}

/** Posts `body` with `headers` to the first vetted address; never throws, the failure is in the answer. */
export function postWebhook(target: VettedUrl, headers: Record<string, string>, body: string, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<WebhookAnswer> {
  const { url } = target;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(a);
    };
    const req = lib.request({
      method: 'POST',
      // The address that passed the policy, never a second lookup (DNS rebinding).
      host: target.addresses[0],
      port: target.port,
      path: `${url.pathname}${url.search}`,
      servername: url.protocol === 'https:' && !net.isIP(target.hostname) ? target.hostname : undefined,
      headers: {
        host: url.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Envoi-Webhooks/1',
        ...headers,
      },
      agent: false,
    });
    const timer = setTimeout(() => done({ status: null, error: `No answer within ${Math.round(timeoutMs / 1000)} s`, response: null }), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ status: null, error: `${err.code ?? 'ERROR'}: ${err.message}`, response: null }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => done({ status: res.statusCode ?? null, error: null, response: Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_SNIPPET_BYTES) || null });
      res.on('data', (c: Buffer) => {
        if (size < RESPONSE_SNIPPET_BYTES) chunks.push(c.subarray(0, RESPONSE_SNIPPET_BYTES - size));
        size += c.length;
        // Enough of the answer is kept: no need to read a large body to the end.
        if (size >= RESPONSE_SNIPPET_BYTES) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.end(body);
  });
}
