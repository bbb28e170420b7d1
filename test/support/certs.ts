import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  caCert: string;
  serverKey: string;
  serverCert: string;
  /** A self-signed certificate no CA vouches for. */
  selfSignedKey: string;
  selfSignedCert: string;
}

let cached: TestPki | undefined;

/**
 * A private CA and a server certificate for localhost and 127.0.0.1, made with openssl when the
 * tests start (no certificate is committed), once per test run.
 */
export function testPki(): TestPki {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Envoi Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  cached = { caCert: read('ca.crt'), serverKey: read('server.key'), serverCert: read('server.crt'), selfSignedKey: read('self.key'), selfSignedCert: read('self.crt') };
  fs.rmSync(dir, { recursive: true, force: true });
  return cached;
}
