import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase } from '../../connector/store/database.js';
import { skipUnlessCI } from '../support/env.js';
import { BACKENDS } from '../support/harness.js';
import { EnvoiProcess } from '../support/process.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { waitUntil } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

for (const backend of BACKENDS) {
  describe(`webhook durability: a server killed with SIGKILL while messages are pending delivers them all after a restart (${backend.name})`, function () {
    this.timeout(120_000);
    let databaseUrl: string | undefined;
    let drop: (() => Promise<void>) | undefined;
    const procs: EnvoiProcess[] = [];
    let sink: SmtpSink | undefined;
    let receiver: WebhookReceiver | undefined;
    const adminKey = `adm-${crypto.randomBytes(8).toString('hex')}`;

    before(async function () {
      const db = await backend.create();
      if ('unavailable' in db) return skipUnlessCI(this, db.unavailable);
      databaseUrl = db.databaseUrl;
      drop = db.drop;
    });
    after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await sink?.close();
      await receiver?.close();
      await drop?.();
    });

    const start = async (dataDir: string) => {
      const p = await new EnvoiProcess('serve', {
        ENVOI_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ENVOI_ADMIN_KEY: adminKey, ENVOI_ALLOW_PRIVATE_HOSTS: 'true',
        ENVOI_ALLOWED_PORTS: '1-65535', ENVOI_POLL_MS: '50', ENVOI_LOG_LEVEL: 'warn', ENVOI_LEASE_MS: '1500', ENVOI_WEBHOOK_RETRY_SCALE: '0.01',
      }).start();
      procs.push(p);
      return p;
    };
    const webhookRows = async (dataDir: string) => {
      const db = openDatabase({ databaseUrl, dataDir });
      try {
        return (await db.knex('webhook_messages').select('id', 'status', 'lease_owner')) as Array<{ id: string; status: string; lease_owner: string | null }>;
      } finally {
        await db.close();
      }
    };

    it('30 delivery.sent messages, 16 of them in flight to a receiver that never answers: all 30 arrive after the restart, verified', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-hooks-kill-'));
      sink = await new SmtpSink({ tls: 'none' }).start();
      receiver = await new WebhookReceiver().start();
      receiver.hang = true;
      const first = await start(dataDir);
      const api = (p: EnvoiProcess, method: string, url: string, body?: unknown) => p.call(adminKey, method, url, body);
      const conn = await api(first, 'POST', '/api/v1/scopes/platform/connections', { name: 'relay', senderEmail: 'robot@envoi.test', host: sink.host, port: sink.port, authMethod: 'NONE', isDefault: true });
      expect(conn.status).to.equal(201);
      const hook = await api(first, 'POST', '/api/v1/scopes/platform/webhooks', { url: receiver.url(), events: ['delivery.sent'] });
      expect(hook.status).to.equal(201);
      receiver.secret = hook.body.secret;
      const deliveries: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await api(first, 'POST', '/api/v1/scopes/acme/actions/send-email/execute', { input: { to: `r${i}@customer.test`, subject: `s${i}`, text: 'x' } });
        expect(r.status).to.equal(202);
        deliveries.push(r.body.deliveryId);
      }
      await waitUntil('30 mails sent', () => sink!.received.length >= 30, 30_000);
      await waitUntil('tries to hang in flight', () => receiver!.received.length >= 16, 30_000);
      await waitUntil('the 30 messages written', async () => (await webhookRows(dataDir)).length === 30, 30_000);
      first.kill('SIGKILL');
      await first.wait();
      const atKill = await webhookRows(dataDir);
      expect(atKill).to.have.length(30);
      expect(atKill.every((m) => m.status === 'pending'), 'none was answered before the kill').to.equal(true);
      expect(atKill.filter((m) => m.lease_owner).length, 'messages leased by the killed process').to.equal(16);

      receiver.hang = false;
      receiver.release();
      await start(dataDir);
      await waitUntil('every message delivered', async () => (await webhookRows(dataDir)).every((m) => m.status === 'delivered'), 60_000);
      const verified = receiver.received.filter((h) => h.event?.type === 'delivery.sent');
      expect(receiver.received.every((h) => h.error === undefined), 'every try verifies').to.equal(true);
      expect(new Set(verified.map((h) => h.event!.data.deliveryId))).to.deep.equal(new Set(deliveries));
      const ids = verified.map((h) => h.id);
      expect(new Set(ids).size).to.equal(30);
      // The 16 held by the dead process came again under the same webhook-id (at least once).
      expect(ids.length - new Set(ids).size).to.equal(16);
    });
  });
}
