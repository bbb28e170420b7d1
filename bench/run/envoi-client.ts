/** Main's side of Envoi: its HTTP requests, and an Envoi process started with the sink as its default connection. */
import http from 'node:http';
import { httpRequest } from '../support/http.js';
import { Child } from './ipc.js';
import { FROM } from './mails.js';
import { freshDatabase, tempDir } from './resources.js';
import { ADMIN_KEY } from './settings.js';

/** POSTs a JSON body with the admin key; answers after 30 s at the latest. */
export async function post(agent: http.Agent, url: string, pathName: string, body: Buffer): Promise<{ status: number; body: string }> {
  const r = await httpRequest(agent, url, { method: 'POST', path: pathName, key: ADMIN_KEY, body, timeoutMs: 30_000 });
  return { status: r.status, body: r.text };
}

async function createConnection(url: string, sinkPort: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  const body = Buffer.from(JSON.stringify({ name: 'sink', senderEmail: FROM, host: '127.0.0.1', port: sinkPort, authMethod: 'NONE', isDefault: true, pool: { maxConnections: 5 } }));
  const r = await post(agent, url, '/api/v1/scopes/platform/connections', body);
  agent.destroy();
  if (r.status !== 201) throw new Error(`creating the connection answered ${r.status}: ${r.body}`);
}

/** Starts an Envoi process on a fresh database with the sink as its default connection. */
export async function startEnvoi(sinkPort: number, worker: boolean): Promise<{ sut: Child; url: string }> {
  const sut = await Child.spawn('sut');
  try {
    const { url } = await sut.call<{ url: string }>('envoi', { dataDir: tempDir(), databaseUrl: await freshDatabase(), worker });
    await createConnection(url, sinkPort);
    return { sut, url };
  } catch (err) {
    await sut.stop();
    throw err;
  }
}
