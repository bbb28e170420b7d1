import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './log.js';
import type { FinishItem } from './store/deliveries.js';

/**
 * The Prometheus series of design.md ("Embedding and operations"), in a registry of this Envoi
 * alone (never prom-client's global one), so two Envoi in one process, or a host's own metrics,
 * never mix.
 *
 * Two kinds of series. What the database knows (deliveries by status, the queue, connection
 * health) is read from it at each scrape: every process of a scale-out answers the same numbers,
 * and they match what the API lists, whichever process sent the mail. What only happens in a
 * process (attempts, how long sends and requests took) is counted where it happens; a standalone
 * `envoi worker` has no HTTP port, so its attempts appear in no /metrics — the deliveries and
 * queue series still cover its work.
 */

/** Send durations: an SMTP relay nearby answers in tens of ms, an email API in a few hundred, a slow relay in seconds. */
const SEND_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Statuses of a delivery not finished yet (design.md "Delivery"). */
const QUEUE_STATUSES = ['queued', 'retrying', 'sending'] as const;
/** A webhook message's statuses (design.md "Events and webhooks"). */
const WEBHOOK_STATUSES = ['pending', 'delivered', 'failed'] as const;

type Row = Record<string, unknown>;

/** What /metrics counts of an attempt (the worker thread sends just this across). */
export type CountedAttempt = Pick<FinishItem['attempt'], 'outcome' | 'code' | 'durationMs'>;

export class EnvoiMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly attempts: Counter<'outcome' | 'code'>;
  private readonly sendDuration: Histogram<'outcome'>;

  constructor(private readonly opts: { knex: Knex; logger: Logger }) {
    const registers = [this.registry];
    const fromDb = (what: string, read: (g: Gauge<string>) => Promise<void>) =>
      async function (this: Gauge<string>) {
        this.reset();
        // A scrape while the database is away still answers the process's own series.
        await read(this).catch((err: unknown) => opts.logger.warn('metrics: could not read the database', { series: what, err }));
      };
    new Gauge({
      name: 'envoi_deliveries_total',
      help: 'Deliveries stored, by current status and the provider of their connection (read from the database at each scrape)',
      labelNames: ['status', 'provider'],
      registers,
      collect: fromDb('envoi_deliveries_total', (g) => this.deliveries(g)),
    });
    new Gauge({
      name: 'envoi_queue_depth',
      help: 'Deliveries not finished yet, by status (read from the database at each scrape)',
      labelNames: ['status'],
      registers,
      collect: fromDb('envoi_queue_depth', (g) => this.queueDepth(g)),
    });
    new Gauge({
      name: 'envoi_oldest_due_age_seconds',
      help: 'How long the oldest due delivery has been waiting for a worker (0 when none is due)',
      registers,
      collect: fromDb('envoi_oldest_due_age_seconds', (g) => this.oldestDue(g)),
    });
    new Gauge({
      name: 'envoi_connection_healthy',
      help: 'Connection health: 1 unless the connection is marked unhealthy (then 0)',
      labelNames: ['scope', 'connection'],
      registers,
      collect: fromDb('envoi_connection_healthy', (g) => this.connectionHealth(g)),
    });
    new Gauge({
      name: 'envoi_webhook_messages_total',
      help: 'Webhook messages stored, by status (read from the database at each scrape)',
      labelNames: ['status'],
      registers,
      collect: fromDb('envoi_webhook_messages_total', (g) => this.webhookMessages(g)),
    });
    this.attempts = new Counter({ name: 'envoi_attempts_total', help: 'Delivery attempts recorded by this process, by outcome and failure code ("" when sent)', labelNames: ['outcome', 'code'], registers });
    this.sendDuration = new Histogram({ name: 'envoi_send_duration_seconds', help: 'Duration of the delivery attempts of this process, by outcome', labelNames: ['outcome'], buckets: SEND_BUCKETS, registers });
    this.httpDuration = new Histogram({ name: 'envoi_http_request_duration_seconds', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers });
  }

  /** Counts an attempt once it is stored (the worker's `onRecorded`). */
  readonly attemptRecorded = (item: { attempt: CountedAttempt }): void => {
    this.attempts.inc({ outcome: item.attempt.outcome, code: item.attempt.code ?? '' });
    this.sendDuration.observe({ outcome: item.attempt.outcome }, item.attempt.durationMs / 1000);
  };

  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  private async deliveries(g: Gauge<string>): Promise<void> {
    // A delivery outlives its connection (no foreign key): a deleted one's provider is unknown.
    const rows: Row[] = await this.opts.knex('deliveries as d')
      .leftJoin('connections as c', 'c.id', 'd.connection_id')
      .select('d.status as status', 'c.provider as provider')
      .count({ n: '*' })
      .groupBy('d.status', 'c.provider');
    for (const r of rows) g.set({ status: String(r.status), provider: String(r.provider ?? 'unknown') }, Number(r.n));
  }

  private async queueDepth(g: Gauge<string>): Promise<void> {
    const rows: Row[] = await this.opts.knex('deliveries').whereIn('status', QUEUE_STATUSES).select('status').count({ n: '*' }).groupBy('status');
    for (const status of QUEUE_STATUSES) g.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
  }

  private async oldestDue(g: Gauge<string>): Promise<void> {
    const now = Date.now();
    const row = (await this.opts.knex('deliveries').whereIn('status', ['queued', 'retrying']).where('due_at', '<=', now).min({ due: 'due_at' }).first()) as Row | undefined;
    const due = row?.due === null || row?.due === undefined ? undefined : Number(row.due);
    g.set(due === undefined ? 0 : Math.max(0, (now - due) / 1000));
  }

  private async connectionHealth(g: Gauge<string>): Promise<void> {
    const rows: Row[] = await this.opts.knex('connections').select('scope', 'name', 'health_status');
    for (const r of rows) g.set({ scope: String(r.scope), connection: String(r.name) }, r.health_status === 'unhealthy' ? 0 : 1);
  }

  private async webhookMessages(g: Gauge<string>): Promise<void> {
    const rows: Row[] = await this.opts.knex('webhook_messages').select('status').count({ n: '*' }).groupBy('status');
    for (const status of WEBHOOK_STATUSES) g.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
  }
}
