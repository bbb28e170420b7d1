import http from 'node:http';

/**
 * One request to Envoi with an API key, on the caller's agent (node `http`, not fetch: the bench
 * controls keep-alive and sockets), answered with the status and the body as text.
 */
export function httpRequest(agent: http.Agent, url: string, o: { method: string; path: string; key: string; body?: Buffer; timeoutMs: number }): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: o.path,
        method: o.method,
        headers: { ...(o.body ? { 'content-type': 'application/json', 'content-length': o.body.length } : {}), authorization: `Bearer ${o.key}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`HTTP request timed out after ${o.timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
