import { expect } from 'chai';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';

for (const backend of BACKENDS) {
  describe(`addresses over HTTP: what the server receives is what was validated (${backend.name})`, function () {
    let envoi: TestEnvoi;
    let drop: (() => Promise<void>) | undefined;
    let sink: SmtpSink;
    let connectionId: string;
    const execute = (input: Record<string, unknown>) =>
      envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=10', { input: { connection: connectionId, subject: 'Addresses', text: 'hi', ...input } });

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      drop = db.drop;
      sink = await new SmtpSink({ tls: 'none' }).start();
      envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl }).start();
      const created = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE' }));
      expect(created.status, created.text).to.equal(201);
      connectionId = created.body.id;
    });

    after(async () => {
      await envoi?.stop();
      await sink?.close();
      await drop?.();
    });

    it('RCPT TO and the To header carry exactly the validated addresses (names kept, an IDN as its A-label)', async () => {
      const r = await execute({ to: ['Ada Lovelace <ada@example.com>', '"Lovelace, Ada" <ada.l@example.com>', 'j@münchen.de'] });
      expect(r.status, r.text).to.equal(200);
      expect(r.body.status).to.equal('sent');
      const got = (await sink.waitFor(1)).at(-1)!;
      // smtp-server reports an A-label in RCPT TO decoded (punycode.toUnicode); the raw header shows the wire form.
      expect(got.envelope.to).to.deep.equal(['ada@example.com', 'ada.l@example.com', 'j@münchen.de']);
      const toHeader = got.raw.replace(/\r\n[ \t]+/g, ' ').split('\r\n').find((l) => l.startsWith('To: '));
      expect(toHeader).to.equal('To: Ada Lovelace <ada@example.com>, "Lovelace, Ada" <ada.l@example.com>, j@xn--mnchen-3ya.de');
      const to = got.parsed.to && !Array.isArray(got.parsed.to) ? got.parsed.to.value : [];
      expect(to.map((a) => ({ name: a.name, address: a.address }))).to.deep.equal([
        { name: 'Ada Lovelace', address: 'ada@example.com' },
        { name: 'Lovelace, Ada', address: 'ada.l@example.com' },
        { name: '', address: 'j@münchen.de' }, // mailparser decodes A-labels too
      ]);
    });

    it('a truncating or look-alike address is refused with its path, and nothing is sent', async () => {
      const before = sink.received.length;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ to: ['ok@example.com', 'u@good(x)evil.example'] }, '/to/1'],
        [{ to: '<a@x.example> b@y.example' }, '/to'],
        [{ to: 'ok@example.com', cc: ['c@example.com', 'u@good\u3002evil.example'] }, '/cc/1'],
        [{ to: 'ok@example.com', bcc: ['u@ex\u200Bample.com'] }, '/bcc/0'],
        [{ to: ['u@evil\u202Emoc.example'] }, '/to/0'],
      ];
      for (const [input, path] of cases) {
        const r = await execute(input);
        expect(r.status, r.text).to.equal(400);
        expect(r.body.error.code).to.equal('VALIDATION_FAILED');
        expect(r.body.error.details.map((d: { path: string }) => d.path)).to.include(path);
      }
      expect(sink.received.length).to.equal(before);
    });

    it('a connection\'s sender and reply-to addresses refuse invisible, bidi and look-alike characters', async () => {
      for (const bad of ['robot@ex\u200Bample.com', 'robot@ex\u00ADample.com', 'robot@evil\u202Emoc.example', 'robot@good\u3002evil.example']) {
        for (const field of ['senderEmail', 'replyTo']) {
          const r = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', [field]: bad }));
          expect(r.status, `${field} ${JSON.stringify(bad)}: ${r.text}`).to.equal(400);
          expect(r.body.error.code).to.equal('VALIDATION_FAILED');
          expect(r.body.error.details.map((d: { path: string }) => d.path)).to.include(`/${field}`);
        }
      }
    });
  });
}
