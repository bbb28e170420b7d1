import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createEnvoi, EnvoiError, type Envoi } from '../../lib/index.js';
import { createLogger } from '../../connector/log.js';
import { smtpConnection } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { pollFor } from '../support/wait.js';

const quiet = () => createLogger({ level: 'error', write: () => {} });
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-lib-'));

/** Runs `fn`, expecting it to reject with an EnvoiError; answers the error. */
async function rejection(fn: () => Promise<unknown>): Promise<EnvoiError> {
  try {
    await fn();
  } catch (err) {
    expect(err).to.be.instanceOf(EnvoiError);
    return err as EnvoiError;
  }
  throw new Error('expected an EnvoiError');
}

describe('library: createEnvoi and its operations', () => {
  let sink: SmtpSink;
  const opened: Envoi[] = [];
  const open = async (options: Parameters<typeof createEnvoi>[0]) => {
    const e = await createEnvoi({ env: {}, logger: quiet(), ...options });
    opened.push(e);
    return e;
  };

  before(async () => {
    sink = await new SmtpSink({ tls: 'none' }).start();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((e) => e.close()));
  });
  after(async () => {
    await sink?.close();
  });

  it('options override the environment, which fills the rest', async () => {
    const dataDir = tmpDir();
    const envoi = await open({ env: { ENVOI_DATA_DIR: dataDir, ENVOI_ALLOWED_PORTS: '587', ENVOI_MAX_ATTEMPTS: '3' }, worker: false, allowedPorts: [2525, 587] });
    expect(envoi.config.dataDir).to.equal(dataDir);
    expect(envoi.config.allowedPorts.text).to.equal('2525,587');
    expect(envoi.config.maxAttempts).to.equal(3);
    expect(envoi.core.worker, 'worker: false runs no worker').to.equal(undefined);
  });

  it('a connection made by a call carries mail to a real SMTP server; worker: false only queues it', async () => {
    const dataDir = tmpDir();
    const options = { dataDir, allowPrivateHosts: true, allowedPorts: '1-65535' };
    const api = await open({ ...options, worker: false });
    const conn = await api.connections.create('acme', smtpConnection(sink, { name: 'Acme mail', authMethod: 'NONE', isDefault: true }));
    expect(conn).to.include({ scope: 'acme', name: 'Acme mail', isDefault: true, hasSecret: false });
    expect((await api.connections.list('acme')).map((c) => c.id)).to.deep.equal([conn.id]);

    const input = { to: ['ada@example.test'], subject: 'Hello from the library', text: 'Sent by a plain call.' };
    const queued = await api.actions.execute('acme', 'send-email', input, { idempotencyKey: 'lib-1' });
    expect(queued).to.include({ status: 'queued' });
    const again = await api.actions.execute('acme', 'send-email', input, { idempotencyKey: 'lib-1' });
    expect(again.deliveryId, 'the same idempotency key answers the same delivery').to.equal(queued.deliveryId);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received, 'no worker in this process: nothing is sent').to.have.length(0);
    await api.close();

    // The queue is durable: a process with a worker (the default) sends what was queued.
    const worker = await open(options);
    const [mail] = await sink.waitFor(1);
    expect(mail!.parsed.subject).to.equal('Hello from the library');
    expect(mail!.envelope.to).to.deep.equal(['ada@example.test']);
    const d = await pollFor(() => worker.deliveries.get('acme', String(queued.deliveryId)), (x) => x.status === 'sent', (x) => `still ${x.status}`, 5000);
    expect(d.attemptLog).to.have.length(1);
    const page = await worker.deliveries.list('acme', { status: 'sent' });
    expect(page.items.map((x) => x.id)).to.deep.equal([queued.deliveryId]);
  });

  it('execute with wait answers the first attempt; the test mail goes out the same way', async () => {
    const envoi = await open({ dataDir: tmpDir(), allowPrivateHosts: true, allowedPorts: '1-65535' });
    const conn = await envoi.connections.create('platform', smtpConnection(sink, { authMethod: 'NONE', isDefault: true }));
    const before = sink.received.length;
    const out = await envoi.actions.execute('platform', 'send-email', { to: ['bo@example.test'], subject: 'Waited', text: 'x' }, { wait: 10 });
    expect(out).to.include({ status: 'sent' });
    expect(out.accepted).to.deep.equal(['bo@example.test']);
    const test = await envoi.connections.testEmail('platform', conn.id, { to: 'admin@example.test', locale: 'fr' });
    expect(test).to.include({ ok: true, locale: 'fr' });
    await sink.waitFor(before + 2);
    expect(sink.received.at(-1)!.envelope.to).to.deep.equal(['admin@example.test']);
  });

  it('fails with the API\'s errors: code, message, hint, status and details', async () => {
    const envoi = await open({ dataDir: tmpDir(), worker: false });
    const missing = await rejection(() => envoi.connections.get('acme', 'no-such-id'));
    expect(missing.status).to.equal(404);
    expect(missing.code).to.match(/NOT_FOUND$/);
    expect(missing.hint).to.be.a('string').and.not.equal('');

    const invalid = await rejection(() => envoi.actions.execute('acme', 'send-email', { to: ['ada@example.test'], subject: '' }));
    expect(invalid).to.include({ code: 'VALIDATION_FAILED', status: 400 });
    expect(invalid.details!.map((d) => d.path)).to.include('/subject');

    const wait = await rejection(() => envoi.actions.execute('acme', 'send-email', {}, { wait: 600 }));
    expect(wait.details).to.deep.equal([{ path: '/wait', message: 'must be from 0 to 60' }]);

    // Without allowPrivateHosts, loopback is refused as the server refuses it.
    const privateHost = await rejection(() => envoi.connections.create('acme', smtpConnection(sink, { authMethod: 'NONE' })));
    expect(privateHost.code).to.be.oneOf(['HOST_NOT_ALLOWED', 'PORT_NOT_ALLOWED']);

    const template = await rejection(() => envoi.templates.get('acme', 'send-email', 'en'));
    expect(template).to.include({ code: 'NOT_FOUND', status: 404 });
    const key = await rejection(() => envoi.keys.revoke('nope'));
    expect(key).to.include({ code: 'NOT_FOUND' });
  });

  it('templates and keys are plain calls too', async () => {
    const envoi = await open({ dataDir: tmpDir(), worker: false });
    const saved = await envoi.templates.put('acme', 'send-invitation', 'en', { subject: 'Join {{inviterName}}', html: '<p>Hi</p>', text: 'Hi' });
    expect(saved.subject).to.equal('Join {{inviterName}}');
    expect((await envoi.templates.get('acme', 'send-invitation', 'en')).subject).to.equal('Join {{inviterName}}');
    await envoi.templates.delete('acme', 'send-invitation', 'en');
    expect((await envoi.templates.get('acme', 'send-invitation', 'en')).subject).to.not.equal('Join {{inviterName}}');

    const created = await envoi.keys.create({ role: 'runtime', scope: 'acme', label: 'CI' });
    expect(created.key).to.match(/^envoi_/);
    expect((await envoi.keys.list()).map((k) => k.id)).to.include(created.id);
    await envoi.keys.revoke(created.id);
    expect((await envoi.keys.list()).map((k) => k.id)).to.not.include(created.id);
  });
});
