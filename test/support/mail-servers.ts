/**
 * Private instances of Debian's Dovecot (IMAP) and Postfix (MTA) for the bounce tests, each with
 * its own configuration in a temp dir, listening on 127.0.0.1 at a free port only; the system's
 * services are never used. Both need root (they switch to their own users) and the packages
 * `dovecot-imapd` and `postfix` (.ci/run installs them).
 *
 * The path of a bounce: Envoi → Postfix (smtpd, no login from 127.0.0.1) → relayhost, the test's
 * sink, which refuses the recipient with 550 → Postfix's bounce daemon sends a DSN (RFC 3464) to
 * the envelope sender, the VERP address in the virtual domain → Postfix's `virtual` delivery agent
 * writes it to one Maildir (every address of the domain, plus addresses included) → Dovecot serves
 * that Maildir over IMAP with STARTTLS. That is the whole setup: no LMTP, no local(8), no aliases.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testPki } from './certs.js';
import { closedPort } from './smtp-sink.js';
import { waitUntil } from './wait.js';

const DOVECOT = '/usr/sbin/dovecot';
const POSTFIX = '/usr/sbin/postfix';
/** Postfix's virtual(8) and Dovecot's mail processes write the Maildir as this user (nobody). */
const MAIL_UID = 65534;

/** Why the servers cannot run here, or undefined when they can. */
export function mailServersUnavailable(): string | undefined {
  if (!fs.existsSync(DOVECOT) || !fs.existsSync(POSTFIX)) return 'Dovecot or Postfix is not installed (apt-get install dovecot-imapd postfix)';
  if (process.getuid?.() !== 0) return 'private Dovecot and Postfix instances need root';
  return undefined;
}

/** The temp dir both servers share: Postfix delivers into the Maildir that Dovecot serves. */
export class MailServers {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-mail-'));
  readonly domain = 'bounces.test';
  readonly user = 'bounces';
  readonly password = `imap-${Math.random().toString(36).slice(2)}`;
  imapPort = 0;
  smtpPort = 0;
  private dovecot: ChildProcess | undefined;
  private postfixStarted = false;
  readonly output: string[] = [];

  /** Starts Dovecot and Postfix; Postfix relays to `relayPort` and rewrites senders that match `rewrite`. */
  async start(relayPort: number, rewrite: { from: RegExp; to: string }): Promise<this> {
    fs.chmodSync(this.dir, 0o755);
    const mail = path.join(this.dir, 'mail');
    fs.mkdirSync(mail);
    fs.chownSync(mail, MAIL_UID, MAIL_UID);
    [this.imapPort, this.smtpPort] = [await closedPort(), await closedPort()];
    await this.startDovecot(mail);
    this.startPostfix(mail, relayPort, rewrite);
    await waitUntil('Postfix to listen', () => this.log().includes('daemon started'), 15_000, 100).catch((err) => {
      throw new Error(`${(err as Error).message}\n${this.log()}`);
    });
    return this;
  }

  private async startDovecot(mail: string): Promise<void> {
    const d = path.join(this.dir, 'dovecot');
    fs.mkdirSync(d);
    const pki = testPki();
    fs.writeFileSync(path.join(d, 'cert.pem'), pki.serverCert);
    fs.writeFileSync(path.join(d, 'key.pem'), pki.serverKey, { mode: 0o600 });
    // Read by Dovecot's auth process, which runs as the dovecot user.
    fs.writeFileSync(path.join(d, 'passwd'), `${this.user}:{PLAIN}${this.password}\n`, { mode: 0o644 });
    const conf = [
      `base_dir = ${d}/run`, `state_dir = ${d}/state`, `instance_name = envoi-test-${path.basename(this.dir)}`,
      `log_path = ${d}/dovecot.log`, 'protocols = imap', 'listen = 127.0.0.1',
      // TLS required before any login (RFC 8314): the client must STARTTLS on the plain port.
      'ssl = required', 'disable_plaintext_auth = yes', `ssl_cert = <${d}/cert.pem`, `ssl_key = <${d}/key.pem`,
      'auth_mechanisms = plain login', `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ${d}/passwd\n}`,
      `userdb {\n  driver = static\n  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${mail}/box\n}`,
      `mail_location = maildir:${mail}/box/Maildir`, 'first_valid_uid = 1',
      `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${this.imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      'service anvil {\n  chroot =\n}',
    ].join('\n');
    fs.writeFileSync(path.join(d, 'dovecot.conf'), conf + '\n');
    this.dovecot = spawn(DOVECOT, ['-F', '-c', path.join(d, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.dovecot.stdout!.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.dovecot.stderr!.on('data', (c: Buffer) => this.output.push(c.toString()));
    const log = path.join(d, 'dovecot.log');
    await waitUntil('Dovecot to start', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('starting up'), 15_000, 100).catch((err) => {
      throw new Error(`${(err as Error).message}\n${this.output.join('')}${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`);
    });
  }

  private startPostfix(mail: string, relayPort: number, rewrite: { from: RegExp; to: string }): void {
    const p = path.join(this.dir, 'postfix');
    for (const sub of ['', 'queue', 'data']) fs.mkdirSync(path.join(p, sub), { recursive: true });
    fs.chownSync(path.join(p, 'data'), Number(execFileSync('id', ['-u', 'postfix']).toString()), 0);
    fs.writeFileSync(path.join(p, 'sender_canonical'), `${rewrite.from.toString()} ${rewrite.to}\n`);
    const main = {
      compatibility_level: '3.6', queue_directory: `${p}/queue`, data_directory: `${p}/data`, mail_owner: 'postfix', setgid_group: 'postdrop',
      myhostname: 'mta.envoi.test', mydestination: '', inet_interfaces: '127.0.0.1', inet_protocols: 'ipv4', mynetworks: '127.0.0.0/8',
      relayhost: `[127.0.0.1]:${relayPort}`, smtp_tls_security_level: 'none', smtpd_tls_security_level: 'none',
      // A relay that rewrites the envelope sender (as Exchange Online does): its DSN names no VERP token.
      sender_canonical_maps: `regexp:${p}/sender_canonical`,
      virtual_mailbox_domains: this.domain, virtual_mailbox_base: mail, virtual_mailbox_maps: 'static:box/Maildir/',
      virtual_uid_maps: `static:${MAIL_UID}`, virtual_gid_maps: `static:${MAIL_UID}`, recipient_delimiter: '+',
      maillog_file: `${p}/postfix.log`, maillog_file_prefixes: this.dir, alias_maps: '', alias_database: '', smtputf8_enable: 'no', biff: 'no',
    };
    fs.writeFileSync(path.join(p, 'main.cf'), Object.entries(main).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
    // master.cf: the services a relay and a bounce need, none chrooted (the queue is in a temp dir).
    const services = [
      `127.0.0.1:${this.smtpPort} inet n - n - - smtpd`, 'pickup unix n - n 60 1 pickup', 'cleanup unix n - n - 0 cleanup', 'qmgr unix n - n 300 1 qmgr',
      'rewrite unix - - n - - trivial-rewrite', 'bounce unix - - n - 0 bounce', 'defer unix - - n - 0 bounce', 'trace unix - - n - 0 bounce',
      'verify unix - - n - 1 verify', 'flush unix n - n 1000? 0 flush', 'proxymap unix - - n - - proxymap', 'smtp unix - - n - - smtp',
      'relay unix - - n - - smtp', 'showq unix n - n - - showq', 'error unix - - n - - error', 'retry unix - - n - - error',
      'discard unix - - n - - discard', 'virtual unix - n n - - virtual', 'anvil unix - - n - 1 anvil', 'scache unix - - n - 1 scache',
      'postlog unix-dgram n - n - 1 postlogd',
    ];
    fs.writeFileSync(path.join(p, 'master.cf'), services.join('\n') + '\n');
    execFileSync(POSTFIX, ['-c', p, 'start'], { stdio: 'ignore' });
    this.postfixStarted = true;
  }

  /** Postfix's log (its maillog_file). */
  log(): string {
    const f = path.join(this.dir, 'postfix', 'postfix.log');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  }

  async stop(): Promise<void> {
    if (this.postfixStarted) {
      try {
        execFileSync(POSTFIX, ['-c', path.join(this.dir, 'postfix'), 'stop'], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
    if (this.dovecot && this.dovecot.exitCode === null) {
      const exited = new Promise((r) => this.dovecot!.once('exit', r));
      this.dovecot.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
