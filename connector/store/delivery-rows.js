export const STATUSES = ['queued', 'sending', 'sent', 'retrying', 'failed', 'unknown'];
/** A JSON column's value, or null when empty. */
export const json = (v) => (v === null || v === undefined ? null : JSON.parse(String(v)));
/** A numeric column (PostgreSQL returns bigints and counts as strings). */
export const num = (v) => Number(v);
/** A delivery as the API shows it, from a row read with LIST_COLUMNS. */
export function toDelivery(r) {
    return {
        id: r.id,
        scope: r.scope,
        connectionId: r.connection_id,
        connectionScope: r.connection_scope,
        connectionName: r.connection_name,
        action: r.action,
        status: r.status,
        subject: r.subject ?? null,
        recipients: json(r.recipients) ?? [],
        envelope: json(r.envelope),
        size: num(r.size),
        messageId: r.message_id,
        idempotencyKey: r.idempotency_key ?? null,
        attempts: num(r.attempts),
        maxAttempts: num(r.max_attempts),
        unknownAttempts: num(r.unknown_attempts ?? 0),
        dueAt: num(r.due_at),
        accepted: json(r.accepted),
        rejected: json(r.rejected),
        lastError: json(r.last_error),
        response: r.response ?? null,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        sentAt: r.sent_at ?? null,
        purgedAt: r.purged_at ?? null,
        waitReason: json(r.wait_reason),
        routeIndex: num(r.route_index ?? 0),
    };
}
/** Every column but the message itself (`raw`), which only a claim reads. */
export const LIST_COLUMNS = [
    'id', 'scope', 'connection_id', 'connection_scope', 'connection_name', 'action', 'status', 'subject', 'recipients', 'envelope', 'size', 'message_id',
    'idempotency_key', 'attempts', 'max_attempts', 'unknown_attempts', 'due_at', 'accepted', 'rejected', 'last_error', 'response', 'created_at', 'updated_at', 'sent_at', 'purged_at', 'wait_reason', 'route_index',
];
/** An attempt as stored in delivery_attempts. */
export function toAttempt(r) {
    return {
        number: num(r.number),
        worker: r.worker,
        startedAt: r.started_at,
        durationMs: num(r.duration_ms),
        outcome: r.outcome,
        code: r.code ?? null,
        stage: r.stage ?? null,
        responseCode: r.response_code === null || r.response_code === undefined ? null : num(r.response_code),
        reply: r.reply ?? null,
        message: r.message ?? null,
        hint: r.hint ?? null,
        connection: r.connection_id ? { id: r.connection_id, name: r.connection_name ?? '' } : null,
    };
}
/** A claimed delivery from a row the claim statement returned. */
export function toClaimed(r) {
    return {
        id: r.id,
        scope: r.scope,
        connectionId: r.connection_id,
        connectionScope: r.connection_scope,
        envelope: JSON.parse(r.envelope),
        raw: r.raw,
        size: num(r.size),
        accepted: json(r.accepted) ?? [],
        rejected: json(r.rejected) ?? [],
        attempts: num(r.attempts),
        maxAttempts: num(r.max_attempts),
        routeIndex: num(r.route_index ?? 0),
    };
}
/** The rows of a raw statement: PostgreSQL wraps them in a result, SQLite returns them as they are. */
export function rawRows(isPg, res) {
    return isPg ? res.rows : res;
}
//# sourceMappingURL=delivery-rows.js.map