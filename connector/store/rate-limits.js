/**
 * A sliding-window rate limit per connection, kept in the database so it holds across every
 * worker and process. A send counts from the moment it is allowed until its window after it
 * finished has passed, so the SMTP server never sees more than `messages` in any `perSeconds`
 * window, however long each send takes. A send whose worker died counts until its lease would
 * have expired.
 */
export class RateLimitStore {
    knex;
    options;
    isPg;
    constructor(knex, options) {
        this.knex = knex;
        this.options = options;
        this.isPg = knex.client.config.client === 'pg';
    }
    /** Takes a slot for one send, or says how long to wait for one. */
    async acquire(connectionId, deliveryId, limit, now = Date.now()) {
        // A small margin absorbs the gap between a send finishing here and the server logging it.
        const windowMs = limit.perSeconds * 1000 + (this.options.marginMs ?? 50);
        const since = now - windowMs;
        const inFlightSince = now - this.options.leaseMs;
        return this.knex.transaction(async (trx) => {
            if (this.isPg) {
                await trx.raw('INSERT INTO rate_locks (connection_id) VALUES (?) ON CONFLICT DO NOTHING', [connectionId]);
                await trx.raw('SELECT connection_id FROM rate_locks WHERE connection_id = ? FOR UPDATE', [connectionId]);
            }
            const counting = trx('rate_events')
                .where({ connection_id: connectionId })
                .andWhere((w) => w.where('at_ms', '>', since).orWhere((w2) => w2.whereNull('at_ms').andWhere('started_ms', '>', inFlightSince)));
            const { n } = (await counting.clone().count({ n: '*' }))[0];
            if (Number(n) < limit.messages) {
                const [row] = (await trx('rate_events').insert({ connection_id: connectionId, delivery_id: deliveryId, started_ms: now }).returning('id'));
                return { ok: true, eventId: Number(typeof row === 'object' ? row.id : row) };
            }
            // Full: the earliest moment a slot frees is when the oldest finished send leaves the window.
            const { oldest } = (await counting.clone().whereNotNull('at_ms').min({ oldest: 'at_ms' }))[0];
            const waitMs = oldest === null ? Math.min(windowMs, 1000) : Math.max(10, Number(oldest) + windowMs - now);
            return { ok: false, waitMs };
        });
    }
    /** Marks a send finished (sent or not: a server that saw it counted it). */
    async complete(eventId, now = Date.now()) {
        await this.knex('rate_events').where({ id: eventId }).update({ at_ms: now });
    }
    /** Deletes events too old to count for any window of up to a day. */
    async prune(now = Date.now()) {
        const before = now - 86_400_000 - this.options.leaseMs;
        return this.knex('rate_events').where('started_ms', '<', before).delete();
    }
}
//# sourceMappingURL=rate-limits.js.map