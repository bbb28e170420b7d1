import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../connector/config.js';
import { createEnvoi, type Envoi, type EnvoiOptions } from '../connector/envoi.js';
import { createApp } from './app.js';

export interface RunningServer {
  envoi: Envoi;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Opens Envoi, serves the API on config.port (0 picks a free one), and returns how to stop it. */
export async function startServer(config: Config, options: EnvoiOptions & { host?: string } = {}): Promise<RunningServer> {
  const envoi = await createEnvoi(config, { worker: true, ...options });
  const app = createApp(envoi);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    envoi,
    port,
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await envoi.close();
      })();
      return closing;
    },
  };
}
