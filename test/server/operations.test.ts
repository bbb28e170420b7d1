import { expect } from 'chai';
import { onBackend } from '../support/backend-suite.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS, smtpConnection, TestEnvoi } from '../support/harness.js';
import { pollFor } from '../support/wait.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The samples of a Prometheus text exposition: name, labels and value of each line. */
export function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

for (const backend of BACKENDS) {
  describe(`operations: /metrics, /ready and lastUsedAt (${backend.name})`, function () {
    this.timeout(60_000);
    let envoi: TestEnvoi;
    let runtime: string;
    const { sink } = onBackend(backend, { overrides: { metricsToken: METRICS_TOKEN, retryBaseMs: 100, pollMs: 50, maxAttempts: 3 }, sinkDefaults: { tls: 'none' } }, async (e) => {
      envoi = e;
      runtime = await envoi.key('runtime', 'platform');
    });
    const metrics = async (token: string | null = METRICS_TOKEN) => envoi.api('GET', '/metrics', undefined, { key: token });

    it('/metrics with the token shows the deliveries of a run: counts by status equal the deliveries list', async () => {
      // Recipients at refused.test are refused at RCPT (550): their mail fails, the rest is sent.
      const s = await sink({ server: { onRcptTo: (a, _s, cb) => (a.address.endsWith('@refused.test') ? cb(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 })) : cb()) } });
      const conn = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(s, { authMethod: 'NONE', name: 'metrics relay' }));
      expect(conn.status, conn.text).to.equal(201);
      const ids: string[] = [];
      for (const to of ['a@customer.test', 'b@customer.test', 'c@customer.test', 'x@refused.test', 'y@refused.test']) {
        const r = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/execute', { input: { to, subject: `to ${to}`, text: 'x', connection: conn.body.id } }, { key: runtime });
        expect(r.status, r.text).to.equal(202);
        ids.push(r.body.deliveryId);
      }
      const list = await pollFor(
        async () => (await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=100', undefined, { key: runtime })).body.items as Array<{ id: string; status: string }>,
        (items) => items.length === 5 && items.every((d) => d.status === 'sent' || d.status === 'failed'),
        (items) => `deliveries not final: ${JSON.stringify(items.map((d) => d.status))}`,
        30_000,
      );
      const byStatus: Record<string, number> = {};
      for (const d of list) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
      expect(byStatus).to.deep.equal({ sent: 3, failed: 2 });

      const r = await metrics();
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const all = samples(r.text);
      const deliveries = all.filter((x) => x.name === 'envoi_deliveries_total');
      const fromMetrics: Record<string, number> = {};
      for (const d of deliveries) fromMetrics[d.labels.status!] = (fromMetrics[d.labels.status!] ?? 0) + d.value;
      expect(fromMetrics, 'deliveries by status, as the API lists them').to.deep.equal(byStatus);
      expect(deliveries.every((d) => d.labels.provider === 'smtp'), JSON.stringify(deliveries)).to.equal(true);
      const value = (name: string, labels: Record<string, string>) => all.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;
      expect(value('envoi_attempts_total', { outcome: 'sent', code: '' })).to.equal(3);
      expect(value('envoi_attempts_total', { outcome: 'failed', code: 'RECIPIENT_REJECTED' })).to.equal(2);
      expect(value('envoi_send_duration_seconds_count', { outcome: 'sent' })).to.equal(3);
      expect(value('envoi_queue_depth', { status: 'queued' })).to.equal(0);
      expect(value('envoi_oldest_due_age_seconds', {})).to.equal(0);
      expect(value('envoi_connection_healthy', { scope: 'platform', connection: 'metrics relay' })).to.equal(1);
      // Webhook messages as the database holds them: none without an endpoint, then one per event.
      expect(value('envoi_webhook_messages_total', { status: 'pending' })).to.equal(0);
      const core = envoi.server.envoi;
      const now = new Date().toISOString();
      await core.db.knex('webhook_messages').insert([0, 1].map((i) => ({ id: `msg_metrics_${i}`, endpoint_id: 'we_x', scope: 'platform', type: 'webhook.test', payload: '{}', status: i ? 'failed' : 'pending', attempts: i, due_at: Date.now() + 3_600_000, created_at: now, updated_at: now })));
      const again = samples((await metrics()).text);
      const webhook = (status: string) => again.find((x) => x.name === 'envoi_webhook_messages_total' && x.labels.status === status)?.value;
      expect([webhook('pending'), webhook('delivered'), webhook('failed')]).to.deep.equal([1, 0, 1]);
      // Requests are labelled by their route pattern, never by a URL carrying ids.
      expect(value('envoi_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/scopes/:scope/actions/:action/execute', status: '202' })).to.equal(5);
      expect(all.filter((x) => x.name === 'envoi_http_request_duration_seconds_count').map((x) => x.labels.route)).to.include('/api/v1/scopes/:scope/deliveries');
      for (const id of [...ids, conn.body.id as string]) expect(r.text).not.to.include(id);
    });

    it('/metrics without the token, or with another, answers 401 with a code and a hint', async () => {
      for (const token of [null, 'wrong-token', envoi.adminKey]) {
        const r = await metrics(token);
        expect(r.status, String(token)).to.equal(401);
        expect(r.body.error.code).to.equal('UNAUTHORIZED');
        expect(r.body.error.hint).to.match(/ENVOI_METRICS_TOKEN/);
        expect(r.text).not.to.include(METRICS_TOKEN);
      }
    });

    it('/ready answers 200 when the schema is current, and 503 NOT_READY while a migration is not applied', async () => {
      const ok = await envoi.api('GET', '/ready', undefined, { key: null });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.include({ status: 'ready', database: backend.name });
      // As if this version's last migration had not run yet (an older database, a deploy half done).
      const knex = envoi.server.envoi.db.knex;
      const last = await knex('knex_migrations').orderBy('id', 'desc').first();
      await knex('knex_migrations').where({ id: last.id }).delete();
      try {
        const r = await envoi.api('GET', '/ready', undefined, { key: null });
        expect(r.status).to.equal(503);
        expect(r.body.error.code).to.equal('NOT_READY');
        expect(r.body.error.message).to.match(/1 migration not applied/);
        expect(r.body.error.hint).to.match(/envoi migrate/);
        expect(r.body.error.details).to.deep.equal([{ path: '/migrations', message: `${last.name} is not applied` }]);
      } finally {
        await knex('knex_migrations').insert(last);
      }
      expect((await envoi.api('GET', '/ready', undefined, { key: null })).status).to.equal(200);
    });

    it('an API key shows when it was last used (written at most once a minute)', async () => {
      const created = await envoi.api('POST', '/api/v1/keys', { role: 'builder', scope: 'acme', label: 'last used' });
      const listed = async () => ((await envoi.api('GET', '/api/v1/keys')).body.items as Array<{ id: string; lastUsedAt: string | null }>).find((k) => k.id === created.body.id)!;
      expect((await listed()).lastUsedAt).to.equal(null);
      const before = Date.now();
      expect((await envoi.api('GET', '/api/v1/whoami', undefined, { key: created.body.key })).status).to.equal(200);
      const first = (await listed()).lastUsedAt!;
      expect(Date.parse(first)).to.be.within(before - 1000, Date.now());
      expect((await envoi.api('GET', '/api/v1/whoami', undefined, { key: created.body.key })).status).to.equal(200);
      expect((await listed()).lastUsedAt, 'not rewritten within the minute').to.equal(first);
    });
  });
}

describe('operations: /ready with the database gone (PostgreSQL, its database dropped)', function () {
  this.timeout(60_000);
  let envoi: TestEnvoi | undefined;
  let drop: (() => Promise<void>) | undefined;

  before(async function () {
    const db = await BACKENDS.find((b) => b.name === 'postgres')!.create();
    if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
    drop = db.drop;
    envoi = await new TestEnvoi({ databaseUrl: db.databaseUrl, overrides: { serveWorker: false } }).start();
  });
  after(async () => {
    await envoi?.stop().catch(() => {});
    await drop?.();
  });

  it('answers 503 STORAGE_UNAVAILABLE with a hint, naming no database', async () => {
    expect((await envoi!.api('GET', '/ready', undefined, { key: null })).status).to.equal(200);
    await drop!();
    const r = await envoi!.api('GET', '/ready', undefined, { key: null });
    expect(r.status).to.equal(503);
    expect(r.body.error.code).to.equal('STORAGE_UNAVAILABLE');
    expect(r.body.error.message).to.match(/database does not answer/);
    expect(r.body.error.hint).to.be.a('string').and.not.be.empty;
    expect(Number(r.headers.get('retry-after'))).to.be.above(0);
    expect(r.text).not.to.match(/envoi_t_|postgres:\/\//);
    expect(envoi!.logs.some((l) => /not ready: the database does not answer/.test(l))).to.equal(true);
  });
});
