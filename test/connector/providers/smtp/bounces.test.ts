import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import { testPki } from '../../../support/certs.js';
import { skipUnlessCI } from '../../../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../../../support/harness.js';
import { MailServers, mailServersUnavailable } from '../../../support/mail-servers.js';
import { SmtpSink } from '../../../support/smtp-sink.js';
import { arfReport } from '../../../support/arf.js';
import { pollFor, waitUntil } from '../../../support/wait.js';

/** Recipients the sink (the relay Postfix hands mail to) refuses with 550, as a mailbox that does not exist. */
const GONE = /^gone/;

for (const backend of BACKENDS) {
  describe(`SMTP bounces and complaints through a real Postfix and a real Dovecot (${backend.name})`, function () {
    this.timeout(90_000);
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let sink: SmtpSink;
    let servers: MailServers | undefined;
    let verp: { id: string; name: string };
    let rewritten: { id: string; name: string };
    const base = '/api/v1/scopes/bounce-co';
    const core = () => envoi.server.envoi;
    const imap = () => new ImapFlow({ host: '127.0.0.1', port: servers!.imapPort, secure: false, doSTARTTLS: true, tls: { ca: testPki().caCert }, auth: { user: servers!.user, pass: servers!.password }, logger: false });
    const execute = async (connection: string, to: string | string[]) => {
      const r = await envoi.api('POST', `${base}/actions/send-email/execute`, { input: { to, subject: `hello ${to}`, text: 'x', connection } });
      expect(r.status, r.text).to.equal(202);
      const id = r.body.deliveryId as string;
      const d = await pollFor(() => envoi.api('GET', `${base}/deliveries/${id}`), (x) => ['sent', 'failed'].includes(x.body.status), (x) => `delivery ${id}: ${x.text}`, 20_000);
      expect(d.body.status, d.text).to.equal('sent');
      return d.body as { deliveryId?: string; id?: string; messageId: string } & Record<string, unknown>;
    };
    const eventsOf = (id: string, n: number) => pollFor(() => core().deliveryEvents.of(id), (e) => e.length >= n, (e) => `expected ${n} events on ${id}, got ${JSON.stringify(e)}\n${servers!.log()}`, 30_000, 100);

    before(async function () {
      const why = mailServersUnavailable();
      if (why) return skipUnlessCI(this, why);
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      sink = await new SmtpSink({
        tls: 'none',
        server: {
          onRcptTo: (a, _s, cb) => (GONE.test(a.address) ? cb(Object.assign(new Error(`5.1.1 <${a.address}>: Recipient address rejected: User unknown`), { responseCode: 550 })) : cb()),
        },
      }).start();
      // Assigned before it starts, so `after` stops whatever did start.
      servers = new MailServers();
      await servers.start(sink.port, { from: /^relay\+.*@bounces\.test$/, to: 'postmaster@bounces.test' });
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { bouncePollMs: 200 } }).start();
      const mailbox = { host: '127.0.0.1', port: servers.imapPort, secure: false, user: servers.user, password: servers.password, folder: 'INBOX' };
      const a = await envoi.api('POST', `${base}/connections`, smtpConnection({ host: '127.0.0.1', port: servers.smtpPort }, { authMethod: 'NONE', bounceAddress: 'bounces@bounces.test', bounceMailbox: mailbox, caCertificate: testPki().caCert }));
      expect(a.status, a.text).to.equal(201);
      expect(a.body.hasBounceMailboxPassword).to.equal(true);
      expect(a.text).not.to.include(servers.password);
      verp = a.body;
      // Its VERP sender is rewritten by Postfix (sender_canonical_maps), as a relay such as Exchange Online does.
      const b = await envoi.api('POST', `${base}/connections`, smtpConnection({ host: '127.0.0.1', port: servers.smtpPort }, { authMethod: 'NONE', bounceAddress: 'relay@bounces.test' }));
      expect(b.status, b.text).to.equal(201);
      rewritten = b.body;
    });
    after(async () => {
      await envoi?.stop();
      await servers?.stop();
      await sink?.close();
      await drop?.();
    });

    it('a DSN from Postfix marks the refused recipient bounced (hard) and suppresses it (the next send-email to it is suppressed); the other recipient and a plain mail are left alone', async () => {
      // A plain mail in the mailbox first: not a report, so never marked seen.
      const c = imap();
      await c.connect();
      await c.append('INBOX', 'From: someone@customer.test\r\nTo: bounces@bounces.test\r\nSubject: a question\r\nMessage-ID: <plain@customer.test>\r\n\r\nhello\r\n');
      await c.logout();

      const d = await execute(verp.id, ['gone@customer.test', 'ok@customer.test']);
      const id = (d.id ?? d.deliveryId) as string;
      const [ok] = await sink.waitFor(1);
      // The envelope sender names the delivery (VERP); the From header stays the connection's sender.
      expect(ok!.envelope.from).to.equal(`bounces+d${id.replace(/-/g, '')}@bounces.test`);
      expect(ok!.parsed.from?.value[0]?.address).to.equal('sender@envoi.test');
      const events = await eventsOf(id, 1);
      expect(events).to.have.length(1);
      expect(events[0]).to.deep.include({ type: 'bounced', recipient: 'gone@customer.test', source: 'dsn' });
      expect(events[0]!.bounce).to.deep.include({ type: 'hard', status: '5.1.1' });
      expect(events[0]!.bounce!.diagnostic).to.match(/550 5\.1\.1/);
      expect((await core().suppressions.get('bounce-co', 'gone@customer.test'))?.reason).to.equal('hard-bounce');
      expect(await core().suppressions.get('bounce-co', 'ok@customer.test')).to.equal(undefined);

      // Polled again and again: the DSN is processed once, the plain mail stays unseen.
      await new Promise((r) => setTimeout(r, 600));
      expect(await core().deliveryEvents.of(id)).to.have.length(1);
      const flags = await seenBySubject(imap());
      expect(flags.get('a question'), 'the plain mail').to.equal(false);
      expect(flags.get('Undelivered Mail Returned to Sender'), 'the DSN').to.equal(true);
      expect(envoi.logs.join('\n')).not.to.include(servers!.password);
      // The delivery shows the event, and the next send-email to that address reports it suppressed.
      const detail = await envoi.api('GET', `${base}/deliveries/${id}`);
      expect(detail.body.events.map((e: { type: string; recipient: string }) => `${e.type} ${e.recipient}`)).to.deep.equal(['bounced gone@customer.test']);
      const again = await envoi.api('POST', `${base}/actions/send-email/execute`, { input: { to: 'gone@customer.test', subject: 'again', text: 'x', connection: verp.id } });
      expect(again.status, again.text).to.equal(202);
      expect(again.body.status).to.equal('failed');
      const refused = (await envoi.api('GET', `${base}/deliveries/${again.body.deliveryId}`)).body;
      expect(refused).to.deep.include({ status: 'failed', attempts: 0, suppressed: ['gone@customer.test'] });
      expect(refused.lastError.code).to.equal('ALL_RECIPIENTS_SUPPRESSED');
    });

    it('an ARF complaint report (RFC 5965) appended to the mailbox marks a complaint and suppresses the address', async () => {
      const d = await execute(verp.id, 'angry@customer.test');
      const id = (d.id ?? d.deliveryId) as string;
      const received = await pollFor(async () => sink.received.find((m) => m.envelope.to.includes('angry@customer.test')), (m) => !!m, () => 'the mail to angry@', 10_000);
      const c = imap();
      await c.connect();
      await c.append('INBOX', await arfReport({ to: 'postmaster@bounces.test', complainant: 'angry@customer.test', original: `Return-Path: <${received!.envelope.from}>\r\n${received!.raw}` }));
      await c.logout();
      const events = await eventsOf(id, 1);
      expect(events[0]).to.deep.include({ type: 'complained', recipient: 'angry@customer.test', source: 'arf' });
      expect((await core().suppressions.get('bounce-co', 'angry@customer.test'))?.reason).to.equal('complaint');
    });

    it('a DSN whose envelope sender a relay rewrote (no VERP token anywhere) is matched by the Message-ID of the returned mail', async () => {
      const d = await execute(rewritten.id, 'gone-again@customer.test');
      const id = (d.id ?? d.deliveryId) as string;
      await waitUntil('Postfix to rewrite the sender', () => servers!.log().includes('from=<postmaster@bounces.test>'), 10_000, 100);
      const events = await eventsOf(id, 1);
      expect(events[0]).to.deep.include({ type: 'bounced', recipient: 'gone-again@customer.test', source: 'dsn' });
      expect((await core().suppressions.get('bounce-co', 'gone-again@customer.test'))?.reason).to.equal('hard-bounce');
    });

    it('a mailbox that refuses the password is logged with the connection id (never the password); mail still goes', async () => {
      const wrong = 'not-the-imap-password';
      const mailbox = { host: '127.0.0.1', port: servers!.imapPort, user: servers!.user, password: wrong };
      const c = await envoi.api('POST', `${base}/connections`, smtpConnection({ host: '127.0.0.1', port: servers!.smtpPort }, { authMethod: 'NONE', bounceMailbox: mailbox, caCertificate: testPki().caCert }));
      expect(c.status, c.text).to.equal(201);
      await waitUntil('the failed visit to be logged', () => envoi.logs.some((l) => l.includes('bounce poll failed') && l.includes(c.body.id) && l.includes('AUTH_FAILED')), 20_000, 100);
      expect(envoi.logs.join('\n')).not.to.include(wrong);
      await execute(c.body.id, 'still-sent@customer.test');
    });
  });
}

/** Whether each message of the mailbox is \Seen, by subject. */
async function seenBySubject(c: ImapFlow): Promise<Map<string, boolean>> {
  await c.connect();
  const out = new Map<string, boolean>();
  const lock = await c.getMailboxLock('INBOX');
  try {
    for await (const m of c.fetch('1:*', { envelope: true, flags: true })) out.set(m.envelope?.subject ?? '', !!m.flags?.has('\\Seen'));
  } finally {
    lock.release();
    await c.logout();
  }
  return out;
}
