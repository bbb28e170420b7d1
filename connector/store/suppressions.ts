import type { Knex } from 'knex';
import { GroupCommit } from '../group-commit.js';

/** Why an address is on a scope's suppression list (design.md "Bounces, complaints and suppression"). */
export type SuppressionReason = 'hard-bounce' | 'complaint' | 'unsubscribe' | 'manual';

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  deliveryId: string | null;
  createdAt: string;
}

/** Addresses are kept lower-case: the list matches an address however it is spelled. */
const norm = (email: string) => email.trim().toLowerCase();

const toSuppression = (r: Record<string, string | null>): Suppression => ({ email: r.email!, reason: r.reason as SuppressionReason, deliveryId: r.delivery_id ?? null, createdAt: r.created_at! });

/** Pairs of (scope, address) one lookup asks for: two bound values each, well under SQLite's 32,766. */
const LOOKUP_PAIRS = 500;

/** The suppression list: one row per scope and address. */
export class SuppressionStore {
  /**
   * Every execute asks the list about its recipients. Asked one by one, that was a statement per
   * mail, the most frequent of all (bench: 1.0 of the 2.0 statements per mail, holding SQLite's one
   * connection most of the time); the questions that arrive while one is answered go together.
   */
  private readonly lookups = new GroupCommit<Array<[string, string]>, Set<string>>((groups) => this.lookup(groups), { max: 64 });

  constructor(private readonly knex: Knex) {}

  /** Adds an address; one already listed keeps its first reason. Answers whether it was added. */
  async add(scope: string, email: string, reason: SuppressionReason, deliveryId?: string | null, trx?: Knex.Transaction): Promise<boolean> {
    const rows = await (trx ?? this.knex)('suppressions')
      .insert({ scope, email: norm(email), reason, delivery_id: deliveryId ?? null, created_at: new Date().toISOString() })
      .onConflict(['scope', 'email'])
      .ignore()
      .returning('email');
    return (rows as unknown[]).length > 0;
  }

  async get(scope: string, email: string): Promise<Suppression | undefined> {
    const r = await this.knex('suppressions').where({ scope, email: norm(email) }).first();
    return r ? toSuppression(r) : undefined;
  }

  async remove(scope: string, email: string): Promise<boolean> {
    return (await this.knex('suppressions').where({ scope, email: norm(email) }).delete()) > 0;
  }

  /** Which of `emails` are on the scope's list (as given, not lower-cased). */
  async suppressed(scope: string, emails: string[]): Promise<string[]> {
    if (!emails.length) return [];
    const listed = await this.lookups.add([...new Set(emails.map(norm))].map((e) => [scope, e]));
    return emails.filter((e) => listed.has(`${scope}\n${norm(e)}`));
  }

  /** One answer per group of pairs: the pairs listed, as `scope\nemail`, in as few statements as fit. */
  private async lookup(groups: Array<Array<[string, string]>>): Promise<Array<Set<string>>> {
    const pairs = groups.flat();
    const listed = new Set<string>();
    for (let i = 0; i < pairs.length; i += LOOKUP_PAIRS) {
      const rows = (await this.knex('suppressions').whereIn(['scope', 'email'], pairs.slice(i, i + LOOKUP_PAIRS)).select('scope', 'email')) as Array<{ scope: string; email: string }>;
      for (const r of rows) listed.add(`${r.scope}\n${r.email}`);
    }
    return groups.map(() => listed);
  }

  /** The scope's list, newest first, by pages (`cursor` is the last item's `createdAt|email`). */
  async list(scope: string, opts: { email?: string; reason?: SuppressionReason; limit: number; cursor?: string }): Promise<{ items: Suppression[]; nextCursor: string | null }> {
    const q = this.knex('suppressions').where({ scope });
    if (opts.email) q.andWhere('email', 'like', `%${norm(opts.email).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (opts.reason) q.andWhere({ reason: opts.reason });
    if (opts.cursor) {
      const [at, email] = opts.cursor.split('|');
      q.andWhere((w) => w.where('created_at', '<', at ?? '').orWhere((x) => x.where('created_at', '=', at ?? '').andWhere('email', '<', email ?? '')));
    }
    const rows = (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'email', order: 'desc' }]).limit(opts.limit + 1)) as Array<Record<string, string | null>>;
    const items = rows.slice(0, opts.limit).map(toSuppression);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > opts.limit && last ? `${last.createdAt}|${last.email}` : null };
  }
}
