import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../connector/config.js';
import { createEnvoi, type Envoi, type EnvoiOptions } from '../connector/envoi.js';
import { createApp } from './app.js';
import { CaptureServer, useCapture } from '../connector/demo.js';

export interface RunningServer {
  envoi: Envoi;
  capture: CaptureServer | undefined;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Opens Envoi, serves the API on config.port (0 picks a free one), and returns how to stop it. */
export async function startServer(given: Config, options: EnvoiOptions & { host?: string; demo?: boolean } = {}): Promise<RunningServer> {
  // Demo mode is sandbox mode (design.md "Sandbox": every mail is captured into the mailbox) plus
  // a capture SMTP server on loopback, allowed by the network policy for exactly that address and
  // port and only for the "Local capture" connection pointing at it.
  const config = options.demo ? Object.freeze({ ...given, sandbox: true }) : given;
  const capture = options.demo ? await new CaptureServer().start() : undefined;
  const envoi = await createEnvoi(config, { worker: config.serveWorker, workerThread: config.workerThread, ...options });
  if (capture) await useCapture(envoi, capture);
  const app = createApp(envoi, { capture });
  const server = http.createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    // The port is taken (or not ours): the worker already started must not keep sending.
    await envoi.close();
    await capture?.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    envoi,
    capture,
    port,
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await envoi.close();
        await capture?.close();
      })();
      return closing;
    },
  };
}
