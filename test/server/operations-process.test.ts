import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { smtpConnection } from '../support/harness.js';
import { EnvoiProcess } from '../support/process.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { pollFor, sleep } from '../support/wait.js';

type Line = Record<string, unknown> & { level: string; msg: string };

/**
 * A real `envoi serve` at ENVOI_LOG_LEVEL=debug, as an operator runs it, its stderr read line by
 * line: the log an operator's collector gets.
 */
describe('operations: the log of a running server (stderr of `envoi serve`)', function () {
  this.timeout(60_000);
  const adminKey = 'ops-admin-key-0123456789abcdef';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-ops-'));
  let server: EnvoiProcess;
  let sink: SmtpSink;

  /** Every line of stderr so far (a line cut between two chunks is read once it is whole). */
  const stderrLines = () => server.stderr.join('').split('\n').filter((l) => l !== '');
  const parsed = () => stderrLines().map((l) => JSON.parse(l) as Line);

  before(async () => {
    // Recipients at refused.test are refused at RCPT with 550: their mail fails at once.
    sink = await new SmtpSink({ tls: 'none', server: { onRcptTo: (a, _s, cb) => (a.address.endsWith('@refused.test') ? cb(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 })) : cb()) } }).start();
    server = await new EnvoiProcess('serve', {
      ENVOI_DATA_DIR: dataDir,
      ENVOI_ADMIN_KEY: adminKey,
      ENVOI_LOG_LEVEL: 'debug',
      ENVOI_ALLOW_PRIVATE_HOSTS: 'true',
      ENVOI_ALLOWED_PORTS: '1-65535',
      ENVOI_POLL_MS: '50',
      ENVOI_COMPOSE_THREADS: '2',
    }).start(30_000);
  });
  after(async () => {
    await server?.stop();
    await sink?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('one JSON line per request with requestId, method, route pattern, status and durationMs; X-Request-Id is kept and echoed', async () => {
    const given = await fetch(`${server.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${adminKey}`, 'x-request-id': 'trace-7f3a-0001' } });
    expect(given.status).to.equal(200);
    expect(given.headers.get('x-request-id')).to.equal('trace-7f3a-0001');
    const made = await fetch(`${server.url}/api/v1/scopes/acme/connections/9a7b0c1d-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(made.status).to.equal(404);
    const madeId = made.headers.get('x-request-id')!;
    expect(madeId).to.match(/^[0-9a-f-]{36}$/);
    const requests = await pollFor(async () => parsed().filter((l) => l.msg === 'request'), (ls) => ls.some((l) => l.requestId === madeId), () => 'no request line', 5000);
    expect(requests.find((l) => l.requestId === 'trace-7f3a-0001')).to.include({ level: 'info', method: 'GET', route: '/api/v1/whoami', status: 200 });
    const line = requests.find((l) => l.requestId === madeId)!;
    expect(line).to.include({ method: 'GET', route: '/api/v1/scopes/:scope/connections/:id', status: 404 });
    expect(line.durationMs).to.be.a('number').and.at.least(0);
    expect(JSON.stringify(requests)).not.to.include('9a7b0c1d');
  });

  it('/metrics is 404 NOT_FOUND where ENVOI_METRICS_TOKEN is not set', async () => {
    const r = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer anything' } });
    expect(r.status).to.equal(404);
    const body = (await r.json()) as { error: { code: string; hint: string } };
    expect(body.error.code).to.equal('NOT_FOUND');
    expect(body.error.hint).to.match(/ENVOI_METRICS_TOKEN/);
  });

  it('every line about a failing delivery carries its deliveryId, with debug lines of its claim and its attempt', async () => {
    const conn = await server.call(adminKey, 'POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { authMethod: 'NONE' }));
    expect(conn.status).to.equal(201);
    const r = await server.call(adminKey, 'POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to: 'nobody@refused.test', subject: 'refused', text: 'x', connection: conn.body.id } });
    expect(r.status).to.equal(202);
    const id = r.body.deliveryId as string;
    await pollFor(async () => (await server.call(adminKey, 'GET', `/api/v1/scopes/platform/deliveries/${id}`)).body.status, (s) => s === 'failed', (s) => `still ${s}`, 15_000);
    await sleep(200);
    const lines = parsed();
    const failed = lines.filter((l) => l.msg === 'smtp send failed');
    expect(failed, 'the provider logged the failure').to.have.length.at.least(1);
    for (const l of failed) expect(l.deliveryId, JSON.stringify(l)).to.equal(id);
    expect(lines.find((l) => l.msg === 'attempt recorded' && l.deliveryId === id)).to.include({ level: 'debug', outcome: 'failed', code: 'RECIPIENT_REJECTED', next: 'failed' });
    expect(lines.some((l) => l.msg === 'claimed deliveries' && (l.deliveryIds as string[]).includes(id))).to.equal(true);
  });

  it('stderr holds JSON lines only: a template reading a property Handlebars denies is logged as JSON, not as its three plain lines', async () => {
    const r = await server.call(adminKey, 'POST', '/api/v1/scopes/platform/actions/send-email/preview', { input: { to: 'a@customer.test', subject: 'Hi {{toString}}', html: '<p>{{subject.toUpperCase}}</p>' } });
    expect(r.status).to.equal(200);
    await pollFor(async () => parsed(), (ls) => ls.some((l) => l.property === 'toString'), () => 'no line about the denied property', 5000);
    for (const l of stderrLines()) expect(() => JSON.parse(l), l).not.to.throw();
    expect(stderrLines().join('\n')).not.to.match(/Access has been denied|runtime-options/);
    expect(parsed().find((l) => l.property === 'toString')).to.include({ level: 'debug' });
  });
});
