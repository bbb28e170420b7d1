import type { Knex } from 'knex';
import type { DeliveryStatus } from './delivery-rows.js';

/** What the delivery log can be narrowed by (every filter optional, all combined with AND). */
export interface DeliveryFilters {
  status?: DeliveryStatus | undefined;
  /** delivered, bounced or complained: deliveries with such an event for a recipient. */
  event?: string | undefined;
  /** Part of a recipient's address, any case. */
  recipient?: string | undefined;
  /** Part of the subject, any case. */
  subject?: string | undefined;
  /** created_at from (inclusive) and until (exclusive), ISO 8601 in UTC. */
  since?: string | undefined;
  until?: string | undefined;
}

/** `%text%` for LIKE, its own `%`, `_` and `\` taken literally (with `ESCAPE '\'`). */
export const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Adds the filters to a query of deliveries. LIKE is given its escape character explicitly: SQLite
 * has none by default (sqlite.org/lang_expr.html#like) and PostgreSQL's is the same backslash.
 * lower() on both sides makes it case-insensitive on both databases (ASCII letters on SQLite).
 */
export function applyFilters(knex: Knex, q: Knex.QueryBuilder, f: DeliveryFilters): void {
  if (f.status) q.andWhere({ status: f.status });
  if (f.event) {
    q.whereExists(knex('delivery_events').select(knex.raw('1')).whereRaw('delivery_events.delivery_id = deliveries.id').andWhere('delivery_events.type', f.event));
  }
  // recipients is the JSON list of addresses: a part of one address matches inside it.
  if (f.recipient) q.andWhereRaw("lower(recipients) LIKE ? ESCAPE '\\'", [likePattern(f.recipient)]);
  if (f.subject) q.andWhereRaw("lower(subject) LIKE ? ESCAPE '\\'", [likePattern(f.subject)]);
  if (f.since) q.andWhere('created_at', '>=', f.since);
  if (f.until) q.andWhere('created_at', '<', f.until);
}
