import type { Envoi as Core } from '../../connector/envoi.js';
import { retryDelivery } from '../../connector/delivery/retry-delivery.js';
import { EnvoiError } from '../../connector/errors.js';
import { checkOrder, isoParam, statsRange, textParam } from './delivery-query.js';
import type { DeliveryEventView } from '../../connector/events/delivery-events.js';
import { deliveryStats, type DeliveryStats } from '../../connector/store/delivery-stats.js';
import { STATUSES, type Attempt, type Delivery, type DeliveryStatus } from '../../connector/store/deliveries.js';

/** A delivery as the API shows it (the message body stays inside). */
export function deliveryView(d: Delivery) {
  return {
    id: d.id,
    status: d.status,
    action: d.action,
    connection: { id: d.connectionId, name: d.connectionName },
    subject: d.subject,
    recipients: d.recipients,
    from: d.envelope.from,
    messageId: d.messageId,
    size: d.size,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    unknownAttempts: d.unknownAttempts,
    nextAttemptAt: d.status === 'queued' || d.status === 'retrying' ? new Date(d.dueAt).toISOString() : null,
    accepted: d.accepted,
    rejected: d.rejected,
    response: d.response,
    lastError: d.lastError,
    waitingFor: d.status === 'queued' ? d.waitReason : null,
    idempotencyKey: d.idempotencyKey,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    sentAt: d.sentAt,
    bodyPurgedAt: d.purgedAt,
    suppressed: d.suppressed,
    captured: d.captured,
    dkim: d.dkim,
  };
}

/** A delivery as the API lists it. */
export type DeliveryView = ReturnType<typeof deliveryView>;

/** One delivery as GET …/deliveries/:id shows it: the view plus every attempt. */
export type DeliveryDetail = DeliveryView & { attemptLog: Array<Attempt & { outcomeUnknown: boolean }>; events: DeliveryEventView[] };

/** What `?event=` filters on: deliveries with at least one recipient event of that type. */
const EVENTS = ['delivered', 'bounced', 'complained'];

/** Which deliveries to list: a status, a page size (1–500, default 50) and the previous page's cursor. */
export interface DeliveryQuery {
  status?: string | undefined;
  /** delivered, bounced or complained: deliveries with such an event for a recipient. */
  event?: string | undefined;
  /** Part of a recipient's address, any case. */
  recipient?: string | undefined;
  /** Part of the subject, any case. */
  subject?: string | undefined;
  /** Created from (inclusive) and until (exclusive): ISO 8601 dates. */
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | string | undefined;
  cursor?: string | undefined;
}

/** The range of a stats request: by default the last 7 days by day. */
export interface StatsQuery {
  since?: string | undefined;
  until?: string | undefined;
  bucket?: string | undefined;
}

export interface DeliveryOperations {
  list(scope: string, query?: DeliveryQuery): Promise<{ items: DeliveryView[]; nextCursor: string | null }>;
  get(scope: string, id: string): Promise<DeliveryDetail>;
  /** Counts by status and recipient event over a range, in hour or day buckets (the dashboard's chart). */
  stats(scope: string, query?: StatsQuery): Promise<DeliveryStats>;
  /** Puts a failed or unknown delivery back in the queue; `by` names who asked, in the log. */
  retry(scope: string, id: string, options?: { by?: string }): Promise<DeliveryView>;
}

/** The delivery log of a scope as plain calls: list (newest first), one with its attempts, retry. */
export function deliveryOperations(core: Core): DeliveryOperations {
  return {
    async list(scope, query = {}) {
      const { status, event, cursor } = query;
      if (event !== undefined && !EVENTS.includes(event)) {
        throw new EnvoiError('VALIDATION_FAILED', `"${event}" is not a recipient event`, { details: [{ path: '/event', message: `must be one of ${EVENTS.join(', ')}` }] });
      }
      if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
        throw new EnvoiError('VALIDATION_FAILED', `"${status}" is not a delivery status`, { details: [{ path: '/status', message: `must be one of ${STATUSES.join(', ')}` }] });
      }
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new EnvoiError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 500', { details: [{ path: '/limit', message: 'must be from 1 to 500' }] });
      }
      const since = isoParam('since', query.since);
      const until = isoParam('until', query.until);
      checkOrder(since, until);
      const recipient = textParam('recipient', query.recipient, 320);
      const subject = textParam('subject', query.subject, 2000);
      const page = await core.deliveries.list(scope, { status: status as DeliveryStatus | undefined, event, recipient, subject, since, until, limit, cursor: cursor || undefined });
      return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
    },
    async get(scope, id) {
      const d = await core.deliveries.get(scope, id);
      if (!d) throw new EnvoiError('NOT_FOUND', `No delivery ${id} in this scope`, { hint: 'List the deliveries of this scope to find the id.' });
      const attemptLog = (await core.deliveries.attempts(d.id)).map((a) => ({ ...a, outcomeUnknown: a.outcome === 'unknown' }));
      return { ...deliveryView(d), attemptLog, events: await core.deliveryEvents.of(d.id) };
    },
    async stats(scope, query = {}) {
      const r = statsRange(query);
      return deliveryStats(core.db.knex, scope, r.since, r.until, r.bucket);
    },
    retry: async (scope, id, options = {}) => deliveryView(await retryDelivery(core, scope, id, options.by)),
  };
}
