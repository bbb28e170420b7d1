import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { IN_CI, skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi, type ApiResponse } from '../support/harness.js';
import { slowSink, SmtpSink } from '../support/smtp-sink.js';
import { sleep, waitUntil } from '../support/wait.js';

/** Writes to `file` until the file system has no byte left (ENOSPC). */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x61);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Executes mail and sorts the answers: 202 accepted, 503 STORAGE_UNAVAILABLE refused, anything else fails. */
function outcomes(envoi: TestEnvoi, runtime: string) {
  const accepted: string[] = [];
  const refused: string[] = [];
  const execute = (subject: string) => envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'someone@customer.test', subject, text: 'x' } }, { key: runtime });
  const note = (subject: string, r: ApiResponse) => {
    expect(r.status, `${subject}: ${r.text}`).to.be.oneOf([202, 503]);
    if (r.status === 202) return accepted.push(subject);
    refused.push(subject);
    expect(r.body.error.code).to.equal('STORAGE_UNAVAILABLE');
    expect(r.body.error.message).to.match(/nothing was (queued|changed)/);
    expect(r.body.error.hint).to.be.a('string').and.not.be.empty;
    expect(Number(r.headers.get('retry-after'))).to.be.above(0);
  };
  return { accepted, refused, execute, note };
}

/** Waits for every accepted mail to be sent, then checks each arrived exactly once and nothing refused was queued. */
async function expectDeliveredOnce(envoi: TestEnvoi, sink: SmtpSink, runtime: string, accepted: string[]): Promise<void> {
  await waitUntil('every accepted mail to arrive', () => new Set(sink.received.map((m) => m.parsed.subject)).size >= accepted.length, 30_000);
  const list = async () => (await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=100', undefined, { key: runtime })).body.items as Array<{ subject: string; status: string }>;
  await waitUntil('every delivery to be sent', async () => (await list()).every((d) => d.status === 'sent'), 30_000);
  await sleep(500);
  const subjects = sink.received.map((m) => m.parsed.subject ?? '');
  expect([...subjects].sort(), 'each accepted mail exactly once, nothing refused').to.deep.equal([...accepted].sort());
  expect((await list()).map((d) => d.subject).sort(), 'only accepted mail was queued').to.deep.equal([...accepted].sort());
  expect(envoi.logs.some((l) => /could not record attempt/.test(l)), 'no attempt result met the storage failure; the test proves nothing').to.equal(true);
}

describe('a full data disk (SQLite on a small tmpfs): execute answers 503, nothing is sent twice, everything accepted goes once space returns', function () {
  this.timeout(60_000);
  const mountpoint = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-full-'));
  let mounted = false;
  let envoi: TestEnvoi | undefined;
  let sink: SmtpSink | undefined;

  before(function () {
    // Mounting needs root; CI runs as root, so there the test must run.
    if (process.getuid?.() !== 0 && !IN_CI) return skipUnlessCI(this, 'mounting a tmpfs needs root');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountpoint], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      skipUnlessCI(this, `could not mount a tmpfs at ${mountpoint}: ${(err as Error).message.split('\n')[0]}`);
    }
  });
  after(async () => {
    await envoi?.stop();
    await sink?.close();
    if (mounted) execFileSync('umount', [mountpoint], { stdio: 'pipe' });
    fs.rmSync(mountpoint, { recursive: true, force: true });
  });

  it('execute answers 503 STORAGE_UNAVAILABLE (never 500) while the disk is full, the sink sees no duplicate, and every mail answered 202 is delivered exactly once after space returns', async () => {
    sink = await slowSink(300).start();
    // A short lease: without durable outcome writes, the leases of the mail in flight would run
    // out while the disk is full and the mail would be sent again.
    envoi = await new TestEnvoi({ dataDir: mountpoint, overrides: { leaseMs: 1000, pollMs: 50, retryBaseMs: 100 } }).start();
    const runtime = await envoi.key('runtime', 'platform');
    const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', isDefault: true }));
    expect(c.status, c.text).to.equal(201);
    const { accepted, refused, execute, note } = outcomes(envoi, runtime);
    for (let i = 0; i < 12; i++) note(`before ${i}`, await execute(`before ${i}`));
    expect(accepted, 'the disk is not full yet').to.have.length(12);

    const filler = path.join(mountpoint, 'filler');
    fill(filler);
    try {
      // Executes arrive while mail is in flight and the disk stays full past several leases.
      for (let i = 0; i < 10; i++) {
        note(`full ${i}`, await execute(`full ${i}`));
        await sleep(250);
      }
      expect(refused.length, 'no execute met the full disk; the test proves nothing').to.be.at.least(1);
      // Other routes that write answer the same way.
      const other = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE' }));
      expect(other.status, other.text).to.be.oneOf([201, 503]);
      if (other.status === 503) expect(other.body.error.code).to.equal('STORAGE_UNAVAILABLE');
    } finally {
      fs.rmSync(filler);
    }
    await expectDeliveredOnce(envoi, sink, runtime, accepted);
  });
});

/** A TCP proxy to PostgreSQL that the test can cut (every connection dropped, new ones refused) and restore. */
async function cuttableProxy(target: { host: string; port: number }): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return { port, cut: stop, restore: () => listen(port), close: () => (server.listening ? stop() : Promise.resolve()) };
}

describe('a lost database (PostgreSQL behind a proxy the test cuts): execute answers 503, nothing is sent twice, everything accepted goes once it is back', function () {
  this.timeout(60_000);
  let envoi: TestEnvoi | undefined;
  let sink: SmtpSink | undefined;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>> | undefined;
  let dropDb: (() => Promise<void>) | undefined;

  before(async function () {
    const pg = BACKENDS.find((b) => b.name === 'postgres')!;
    const db = await pg.create();
    if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
    dropDb = db.drop;
    const url = new URL(db.databaseUrl!);
    proxy = await cuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    sink = await slowSink(300).start();
    envoi = await new TestEnvoi({ databaseUrl: url.toString(), overrides: { leaseMs: 1000, pollMs: 50, retryBaseMs: 100 } }).start();
  });
  after(async () => {
    await proxy?.restore().catch(() => {});
    await envoi?.stop();
    await proxy?.close();
    await sink?.close();
    await dropDb?.();
  });

  it('execute answers 503 STORAGE_UNAVAILABLE (never 500) while the database is gone; after it returns every mail answered 202 is delivered exactly once', async () => {
    const runtime = await envoi!.key('runtime', 'platform');
    const c = await envoi!.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink!, { authMethod: 'NONE', isDefault: true }));
    expect(c.status, c.text).to.equal(201);
    const { accepted, refused, execute, note } = outcomes(envoi!, runtime);
    for (let i = 0; i < 12; i++) note(`before ${i}`, await execute(`before ${i}`));
    expect(accepted).to.have.length(12);
    await proxy!.cut();
    try {
      for (let i = 0; i < 8; i++) {
        note(`gone ${i}`, await execute(`gone ${i}`));
        await sleep(250);
      }
      expect(refused.length, 'no execute met the lost database; the test proves nothing').to.be.at.least(1);
    } finally {
      await proxy!.restore();
    }
    await expectDeliveredOnce(envoi!, sink!, runtime, accepted);
  });
});
