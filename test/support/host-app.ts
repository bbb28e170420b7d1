import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { envoiRouter, type Envoi, type HostPrincipal } from '../../lib/index.js';

/** The host's users, signed in by an `x-user` header (what a host's session middleware would find). */
export const HOST_USERS: Record<string, HostPrincipal> = {
  root: { role: 'admin', scope: 'platform', label: 'Root of the platform' },
  ann: { role: 'admin', scope: 'acme', label: 'Ann of Acme' },
  bob: { role: 'builder', scope: 'acme', label: 'Bob of Acme' },
};

/** A host app: its own page at `/`, Envoi under /plugins/email with the host's sign-in. */
export async function startHost(envoi: Envoi): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get('/', (_req, res) => res.send('host home'));
  app.use('/plugins/email', envoiRouter(envoi, { authenticate: (req) => HOST_USERS[req.get('x-user') ?? ''] ?? null }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

