import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where Debian puts dnsmasq (/usr/sbin is not on every user's PATH). */
export function dnsmasqBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']) {
    const p = path.join(dir, 'dnsmasq');
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** The records a test publishes: TXT values (split into 255-byte strings here), MX, A. */
export interface Zone {
  txt?: Array<[name: string, value: string]>;
  mx?: Array<[domain: string, exchange: string, priority: number]>;
  a?: Array<[name: string, address: string]>;
}

/**
 * A port free on loopback for both TCP and UDP: dnsmasq serves both on the one number, and a port
 * free for UDP alone may be a TCP listener's (an SMTP sink's), which made dnsmasq fail to start.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as net.AddressInfo;
    const udp = dgram.createSocket('udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => (udpFree ? udp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (udpFree) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

/** A TXT value as dnsmasq writes it: quoted strings of at most 255 bytes each (RFC 1035 §3.3.14). */
const quoted = (v: string) => (v.match(/.{1,255}/g) ?? ['']).map((c) => `"${c.replace(/["\\]/g, (x) => `\\${x}`)}"`).join(',');

/**
 * A real DNS server on 127.0.0.1 (Debian's dnsmasq, run in the foreground with a private config):
 * authoritative for `.test` (`local=/test/`), so an unknown name is NXDOMAIN and nothing is ever
 * forwarded. `publish` rewrites the zone and restarts it on the same port.
 */
export class Dnsmasq {
  port = 0;
  private child: ChildProcess | undefined;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-dns-'));

  constructor(private readonly binary: string) {}

  /** Picks the port before anything is published, so a server can be configured with it first. */
  async reserve(): Promise<string> {
    this.port ||= await freePort();
    return this.server;
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  async publish(zone: Zone): Promise<void> {
    this.port ||= await freePort();
    const conf = [
      `port=${this.port}`, 'listen-address=127.0.0.1', 'bind-interfaces', 'no-resolv', 'no-hosts', 'no-poll', 'local=/test/',
      'user=', 'pid-file=', 'log-facility=-', 'cache-size=0',
      ...(zone.txt ?? []).map(([n, v]) => `txt-record=${n},${quoted(v)}`),
      ...(zone.mx ?? []).map(([d, x, p]) => `mx-host=${d},${x},${p}`),
      ...(zone.a ?? []).map(([n, ip]) => `host-record=${n},${ip}`),
    ];
    const file = path.join(this.dir, 'dnsmasq.conf');
    fs.writeFileSync(file, conf.join('\n') + '\n');
    await this.stop();
    const child = spawn(this.binary, ['-k', '-C', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    this.child = child;
    // Ready once it answers on its port (or gone with its reason).
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`dnsmasq did not start: ${stderr}`);
  }

  private async answers(): Promise<boolean> {
    const { Resolver } = await import('node:dns/promises');
    const r = new Resolver({ timeout: 200, tries: 1 });
    r.setServers([this.server]);
    try {
      await r.resolveTxt('ready.test');
      return true;
    } catch (err) {
      return ['ENOTFOUND', 'ENODATA'].includes((err as { code?: string }).code ?? '');
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
