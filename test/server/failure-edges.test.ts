import { expect } from 'chai';
import type { SMTPServerSession } from 'smtp-server';
import { testPki } from '../support/certs.js';
import { skipUnlessCI } from '../support/env.js';
import { GraphStandIn } from '../support/graph-standin.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { silentServer, SmtpSink } from '../support/smtp-sink.js';
import { pollFor, sleep } from '../support/wait.js';

/** How a misbehaving server ends a DATA it has read in full (and recorded as received). */
type Ending = 'close-after-dot' | 'reply-after-timeout';

/** A real smtp-server that takes every message whole, then never gets its 250 to the client in time. */
function lossySink(ending: Ending, socketTimeoutMs: number): SmtpSink {
  const sink: SmtpSink = new SmtpSink({
    tls: 'none',
    server: {
      onData(stream, session: SMTPServerSession, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          // The server has the message (its final dot included): it counts as received.
          void sink.record(Buffer.concat(chunks), session).then(() => {
            if (ending === 'close-after-dot') sink.dropConnection(session);
            else setTimeout(() => cb(), socketTimeoutMs * 4);
          });
        });
      },
    },
  });
  return sink;
}

/** A raw TCP server that greets, then answers EHLO with one reply line of `bytes` bytes. */
const hugeReplyServer = (bytes: number) =>
  silentServer((s) => {
    s.write('220 huge.test ESMTP\r\n');
    s.once('data', () => s.write(`250-${'x'.repeat(bytes)}\r\n250 OK\r\n`));
  });

const SOCKET_TIMEOUT_MS = 250;

for (const backend of BACKENDS) {
  for (const unknownRetries of [1, 0]) {
    describe(`failure edges: outcome unknown, ENVOI_UNKNOWN_RETRIES=${unknownRetries} (${backend.name})`, function () {
      this.timeout(60_000);
      let envoi: TestEnvoi;
      let drop: (() => Promise<void>) | undefined;
      const sinks: SmtpSink[] = [];

      before(async function () {
        const db = await backend.create();
        if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
        drop = db.drop;
        envoi = await new TestEnvoi({
          databaseUrl: db.databaseUrl,
          overrides: { retryBaseMs: 100, pollMs: 50, maxAttempts: 5, unknownRetries, smtpTimeouts: Object.freeze({ connection: 3000, greeting: 1500, socket: SOCKET_TIMEOUT_MS, dns: 3000 }) },
        }).start();
      });
      after(async () => {
        await envoi?.stop();
        await Promise.all(sinks.map((s) => s.close()));
        await drop?.();
      });

      for (const ending of ['close-after-dot', 'reply-after-timeout'] as const) {
        it(`${ending}: at most ${unknownRetries + 1} ${unknownRetries ? 'copies' : 'copy'}, reported as an unknown outcome`, async () => {
          const sink = await lossySink(ending, SOCKET_TIMEOUT_MS).start();
          sinks.push(sink);
          const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE', name: `${ending} ${unknownRetries}` }));
          expect(c.status, c.text).to.equal(201);
          const r = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'someone@customer.test', subject: ending, text: 'once, please', connection: c.body.id } });
          expect(r.status, r.text).to.equal(202);
          const id = r.body.deliveryId as string;
          const d = await pollFor(
            async () => (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${id}`)).body,
            (x) => !['queued', 'sending', 'retrying'].includes(x.status),
            (x) => `delivery still ${x.status}: ${JSON.stringify(x)}`,
            30_000,
          );
          await sleep(SOCKET_TIMEOUT_MS * 2);
          expect(d.status, JSON.stringify(d)).to.equal('unknown');
          expect(sink.received.length, 'copies the server received').to.equal(unknownRetries + 1);
          expect(new Set(sink.messageIds()), 'every copy carries the one Message-ID').to.deep.equal(new Set([d.messageId]));
          expect(d.attemptLog).to.have.length(unknownRetries + 1);
          expect(d.unknownAttempts).to.equal(unknownRetries + 1);
          for (const a of d.attemptLog) {
            expect(a).to.include({ outcome: 'unknown', outcomeUnknown: true, code: 'OUTCOME_UNKNOWN' });
            expect(a.hint).to.match(/may have accepted/).and.match(/same Message-ID/);
          }
          expect(d.lastError.code).to.equal('OUTCOME_UNKNOWN');
          const listed = await envoi.api('GET', '/api/v1/scopes/platform/deliveries?status=unknown');
          expect(listed.status).to.equal(200);
          expect(listed.body.items.map((x: { id: string }) => x.id)).to.include(id);
        });
      }

      if (unknownRetries === 0) return;

      it('?wait answers at once with the first attempt\'s error: a 550, a 451 to be retried, an auth failure that marks the connection unhealthy', async () => {
        const rejecting = await new SmtpSink({ tls: 'none', server: { onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 })) } }).start();
        const busy = await new SmtpSink({ tls: 'none', server: { onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error('4.3.2 Busy, try again in 60 seconds'), { responseCode: 451 })) } }).start();
        const locked = await new SmtpSink({ tls: 'starttls', users: { u: 'right-password' } }).start();
        sinks.push(rejecting, busy, locked);
        const conn = async (body: Record<string, unknown>) => {
          const c = await envoi.api('POST', '/api/v1/scopes/wait/connections', body);
          expect(c.status, c.text).to.equal(201);
          return c.body.id as string;
        };
        const cases = [
          { id: await conn(smtpConnection(rejecting, { authMethod: 'NONE' })), status: 'failed', code: 'RECIPIENT_REJECTED' },
          { id: await conn(smtpConnection(busy, { authMethod: 'NONE' })), status: 'retrying', code: 'RECIPIENT_DEFERRED' },
          { id: await conn({ ...smtpConnection(locked), host: 'localhost', user: 'u', password: 'wrong-password', caCertificate: testPki().caCert }), status: 'queued', code: 'AUTH_FAILED' },
        ];
        // A wait far longer than the test's watchdog: only an answer at once passes.
        for (const k of cases) {
          const r = await envoi.api('POST', '/api/v1/scopes/wait/actions/send-email/execute?wait=60', { input: { to: 'w@customer.test', subject: k.code, text: 'x', connection: k.id } });
          expect(r.status, r.text).to.equal(200);
          expect(r.body.status).to.equal(k.status);
          expect(r.body.error.code, r.text).to.equal(k.code);
          expect(r.body.error.message).to.be.a('string').and.not.be.empty;
          expect(r.body.error.hint).to.be.a('string').and.not.be.empty;
        }
      }).timeout(20_000);

      it('an 8 MB reply line is a transient server error, not TLS_FAILED, and the connection stays healthy', async () => {
        const server = await hugeReplyServer(8 * 1024 * 1024);
        try {
          const c = await envoi.api('POST', '/api/v1/scopes/huge/connections', smtpConnection({ host: '127.0.0.1', port: server.port }, { authMethod: 'NONE' }));
          expect(c.status, c.text).to.equal(201);
          const r = await envoi.api('POST', '/api/v1/scopes/huge/actions/send-email/execute?wait=30', { input: { to: 'h@customer.test', subject: 'huge', text: 'x', connection: c.body.id } });
          expect(r.status, r.text).to.equal(200);
          expect(r.body.status).to.equal('retrying');
          expect(r.body.error.code).to.equal('SERVER_ERROR');
          const after = await envoi.api('GET', `/api/v1/scopes/huge/connections/${c.body.id}`);
          expect(after.body.health.status).to.not.equal('unhealthy');
        } finally {
          await server.close();
        }
      });
    });
  }
}

describe('failure edges: Microsoft Graph drops the connection after taking the request (outcome unknown)', function () {
  this.timeout(30_000);
  let graph: GraphStandIn;
  let envoi: TestEnvoi;
  before(async () => {
    graph = await new GraphStandIn().start();
    envoi = await new TestEnvoi({ overrides: { msAuthorityUrl: graph.url, msGraphUrl: graph.url, retryBaseMs: 100, pollMs: 50 } }).start();
  });
  after(async () => {
    await envoi?.stop();
    await graph?.close();
  });

  it('the attempt is unknown, retried once with the same Message-ID, then the delivery is unknown', async () => {
    const app = graph.addApp();
    const c = await envoi.api('POST', '/api/v1/scopes/platform/connections', { name: 'graph', provider: 'microsoft365', senderEmail: 'notifications@contoso.test', tenantId: app.tenantId, clientId: app.clientId, clientSecret: app.secret });
    expect(c.status, c.text).to.equal(201);
    graph.dropReplies = 5;
    const r = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute?wait=20', { input: { to: 'g@customer.test', subject: 'graph drop', text: 'x', connection: c.body.id } });
    expect(r.status, r.text).to.equal(200);
    expect(r.body.error.code).to.equal('OUTCOME_UNKNOWN');
    const d = await pollFor(
      async () => (await envoi.api('GET', `/api/v1/scopes/platform/deliveries/${r.body.deliveryId}`)).body,
      (x) => x.status === 'unknown',
      (x) => `delivery still ${x.status}: ${JSON.stringify(x)}`,
      15_000,
    );
    expect(graph.sends, 'requests Graph took').to.have.length(2);
    expect(new Set(graph.sends.map((s) => s.parsed.messageId))).to.deep.equal(new Set([d.messageId]));
    expect(d.attemptLog.map((a: { outcome: string; outcomeUnknown: boolean }) => [a.outcome, a.outcomeUnknown])).to.deep.equal([['unknown', true], ['unknown', true]]);
    expect(d.attemptLog[0].hint).to.match(/same Message-ID/);
  });
});
