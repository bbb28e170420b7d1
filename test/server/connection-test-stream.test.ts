import { expect } from 'chai';
import { testPki } from '../support/certs.js';
import { TestEnvoi } from '../support/harness.js';
import { conformanceHook } from '../support/openapi-conformance.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * A connection test's progress (issue #17): a client that accepts application/x-ndjson reads one
 * line per stage as it starts, while the test runs, then the result, the very answer plain JSON
 * gives; other clients get the JSON answer exactly as before.
 */

const C = '/api/v1/scopes/platform/connections';
const NDJSON = 'application/x-ndjson';
const STALL_MS = 1500;

interface Line {
  value: Record<string, unknown>;
  /** When the client read it, in ms after it sent the request. */
  readAt: number;
}

describe('connection test progress as NDJSON', function () {
  this.timeout(30_000);
  let envoi: TestEnvoi;
  let stalling: SmtpSink;
  let plain: SmtpSink;
  const check = conformanceHook();

  /** Posts with Accept: application/x-ndjson and reads the answer line by line as it arrives. */
  async function stream(path: string, body?: unknown): Promise<{ status: number; contentType: string | null; lines: Line[] }> {
    const sent = Date.now();
    const res = await fetch(`${envoi.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${envoi.adminKey}`, accept: NDJSON, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const lines: Line[] = [];
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    let text = '';
    let pending = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = decoder.decode(value, { stream: true });
      text += chunk;
      pending += chunk;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        lines.push({ value: JSON.parse(pending.slice(0, i)), readAt: Date.now() - sent });
        pending = pending.slice(i + 1);
      }
    }
    expect(pending, 'every line ends with a newline').to.equal('');
    check?.('POST', path, res.status, text, res.headers.get('content-type'));
    return { status: res.status, contentType: res.headers.get('content-type'), lines };
  }

  before(async () => {
    envoi = await new TestEnvoi().start();
    // A relay that offers STARTTLS and AUTH, then sits on the credentials before refusing them.
    stalling = await new SmtpSink({
      tls: 'starttls',
      users: { u: 'right' },
      server: { onAuth: (_auth, _session, cb) => void setTimeout(() => cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 })), STALL_MS) },
    }).start();
    plain = await new SmtpSink({ tls: 'none' }).start();
  });

  after(async () => {
    await stalling?.close();
    await plain?.close();
    await envoi?.stop();
  });

  const stallingDraft = () => ({ name: 'stalls at AUTH', senderEmail: 'a@envoi.test', host: 'localhost', port: stalling.port, user: 'u', password: 'wrong', caCertificate: testPki().caCert });

  it('a relay that stalls at AUTH: the stages connect → tls → auth arrive while it stalls, then the result', async () => {
    const { status, contentType, lines } = await stream(`${C}/test`, stallingDraft());
    expect(status).to.equal(200);
    expect(contentType).to.match(/^application\/x-ndjson/);
    const stages = lines.slice(0, -1);
    expect(stages.map((l) => l.value.stage)).to.deep.equal(['dns', 'connect', 'tls', 'auth']);
    for (const l of stages) expect(Object.keys(l.value).sort()).to.deep.equal(['at', 'stage']);
    const ats = stages.map((l) => l.value.at as number);
    expect(ats, 'in order of time').to.deep.equal([...ats].sort((a, b) => a - b));

    const result = lines.at(-1)!;
    expect(result.value).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 535 });
    // Read while the server sat on AUTH, not all at once at the end.
    const auth = stages.at(-1)!;
    expect(result.readAt - auth.readAt, 'the auth line came before the stall ended').to.be.at.least(STALL_MS - 300);
    expect((result.value.durationMs as number) - (auth.value.at as number)).to.be.at.least(STALL_MS - 300);
  });

  it('the last line is the answer plain JSON gives; without the Accept header, JSON exactly as before', async () => {
    const { lines } = await stream(`${C}/test`, stallingDraft());
    const json = await envoi.api('POST', `${C}/test`, stallingDraft());
    expect(json.status).to.equal(200);
    expect(json.headers.get('content-type')).to.match(/^application\/json/);
    expect(json.body).not.to.have.property('at');
    expect({ ...lines.at(-1)!.value, durationMs: 0 }).to.deep.equal({ ...json.body, durationMs: 0 });
    // A client that takes either gets JSON, the default.
    const either = await envoi.api('POST', `${C}/test`, stallingDraft(), { headers: { accept: `application/json, ${NDJSON}` } });
    expect(either.headers.get('content-type')).to.match(/^application\/json/);
  });

  it('a saved connection streams too; a plain relay without login: dns, connect, then done', async () => {
    const saved = await envoi.api('POST', C, { name: 'plain relay', senderEmail: 'a@envoi.test', host: plain.host, port: plain.port, authMethod: 'NONE' });
    expect(saved.status, saved.text).to.equal(201);
    const { status, lines } = await stream(`${C}/${saved.body.id}/test`);
    expect(status).to.equal(200);
    expect(lines.map((l) => l.value.stage)).to.deep.equal(['dns', 'connect', 'done']);
    expect(lines.at(-1)!.value).to.include({ ok: true });
  });

  it('a request refused before the test starts answers its error and status, not a stream', async () => {
    const missing = await envoi.api('POST', `${C}/no-such-id/test`, undefined, { headers: { accept: NDJSON } });
    expect(missing.status).to.equal(404);
    expect(missing.headers.get('content-type')).to.match(/^application\/json/);
    expect(missing.body.error.code).to.equal('CONNECTION_NOT_FOUND');
    const invalid = await envoi.api('POST', `${C}/test`, { name: 'no host', senderEmail: 'a@envoi.test' }, { headers: { accept: NDJSON } });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.code).to.equal('VALIDATION_FAILED');
  });
});
