import { Router } from 'express';
import { EnvoiError } from '../../connector/errors.js';
import { STATUSES } from '../../connector/store/deliveries.js';
import { authorize, route } from '../auth.js';
import { retryDelivery } from '../../connector/delivery/retry-delivery.js';
/** A delivery as the API shows it (the message body stays inside). */
export function deliveryView(d) {
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
    };
}
function notFound(id) {
    return new EnvoiError('NOT_FOUND', `No delivery ${id} in this scope`, { hint: 'List the deliveries of this scope to find the id.' });
}
/** The delivery log: list (newest first), one with its attempts, and retry of a failed one. */
export function deliveryRoutes(envoi) {
    const r = Router({ mergeParams: true });
    const scopeOf = (req) => String(req.params.scope);
    r.get('/', route(async (req) => {
        authorize(req, 'runtime', scopeOf(req));
        const status = req.query.status === undefined ? undefined : String(req.query.status);
        if (status !== undefined && !STATUSES.includes(status)) {
            throw new EnvoiError('VALIDATION_FAILED', `"${status}" is not a delivery status`, { details: [{ path: '/status', message: `must be one of ${STATUSES.join(', ')}` }] });
        }
        const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
            throw new EnvoiError('VALIDATION_FAILED', 'limit must be a whole number from 1 to 500', { details: [{ path: '/limit', message: 'must be from 1 to 500' }] });
        }
        const page = await envoi.deliveries.list(scopeOf(req), { status: status, limit, cursor: req.query.cursor ? String(req.query.cursor) : undefined });
        return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
    }));
    r.get('/:id', route(async (req) => {
        authorize(req, 'runtime', scopeOf(req));
        const d = await envoi.deliveries.get(scopeOf(req), String(req.params.id));
        if (!d)
            throw notFound(String(req.params.id));
        const attemptLog = (await envoi.deliveries.attempts(d.id)).map((a) => ({ ...a, outcomeUnknown: a.outcome === 'unknown' }));
        return { ...deliveryView(d), attemptLog };
    }));
    r.post('/:id/retry', route(async (req) => {
        authorize(req, 'admin', scopeOf(req));
        return deliveryView(await retryDelivery(envoi, scopeOf(req), String(req.params.id), req.principal?.keyId));
    }));
    return r;
}
//# sourceMappingURL=deliveries.js.map