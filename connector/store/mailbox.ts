import type { Knex } from 'knex';
import { EnvoiError } from '../errors.js';

/** A captured mail as the mailbox lists it (design.md "Sandbox"). */
export interface MailboxItem {
  id: string;
  deliveryId: string;
  receivedAt: string;
  from: string;
  /** The recipients it was captured for. */
  to: string[];
  subject: string | null;
  size: number;
}

/** A captured mail with the message itself, as it would have left. */
export type MailboxMail = MailboxItem & { raw: string };

export type NewMail = Omit<MailboxMail, 'receivedAt'>;

const ITEM_COLUMNS = ['id', 'delivery_id', 'received_at', 'from_address', 'recipients', 'subject', 'size'];

const toItem = (r: Record<string, any>): MailboxItem => ({
  id: r.id,
  deliveryId: r.delivery_id,
  receivedAt: r.received_at,
  from: r.from_address,
  to: JSON.parse(r.recipients) as string[],
  subject: r.subject ?? null,
  size: Number(r.size),
});

const badCursor = () =>
  new EnvoiError('VALIDATION_FAILED', 'The cursor is not one this API gave out', {
    hint: 'Pass the nextCursor value of the previous page unchanged, or leave cursor out to start from the newest.',
    details: [{ path: '/cursor', message: 'is not a valid cursor' }],
  });

/** The mailbox table: each scope's captured mail, the newest `max` kept. */
export class MailboxStore {
  constructor(private readonly knex: Knex, private readonly max: number) {}

  /** Stores a captured mail, then drops the scope's oldest beyond the bound. */
  async add(scope: string, m: NewMail, db: Knex = this.knex): Promise<void> {
    const receivedAt = new Date().toISOString();
    await db('mailbox').insert({ id: m.id, scope, delivery_id: m.deliveryId, received_at: receivedAt, from_address: m.from, recipients: JSON.stringify(m.to), subject: m.subject, size: m.size, raw: m.raw });
    // Everything older than the max-th newest goes (a subquery, so the bound holds however many
    // processes capture at once; ids break ties between mail of the same millisecond).
    const keep = db('mailbox').select('id').where({ scope }).orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(this.max);
    await db('mailbox').where({ scope }).whereNotIn('id', keep).delete();
  }

  /** Newest first; the cursor is the last item's (received_at, id). */
  async list(scope: string, opts: { limit: number; cursor?: string | undefined }): Promise<{ items: MailboxItem[]; nextCursor: string | null }> {
    const q = this.knex('mailbox').select(ITEM_COLUMNS).where({ scope });
    if (opts.cursor) {
      let at: unknown, id: unknown;
      try {
        [at, id] = JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) as unknown[];
      } catch {
        throw badCursor();
      }
      if (typeof at !== 'string' || typeof id !== 'string') throw badCursor();
      q.andWhere((w) => w.where('received_at', '<', at).orWhere((w2) => w2.where('received_at', '=', at).andWhere('id', '<', id)));
    }
    const rows = await q.orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(opts.limit + 1);
    const items = rows.slice(0, opts.limit).map(toItem);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > opts.limit && last ? Buffer.from(JSON.stringify([last.receivedAt, last.id])).toString('base64url') : null };
  }

  async get(scope: string, id: string): Promise<MailboxMail | undefined> {
    const r = await this.knex('mailbox').select([...ITEM_COLUMNS, 'raw']).where({ scope, id }).first();
    return r ? { ...toItem(r), raw: r.raw } : undefined;
  }

  /** Empties a scope's mailbox; answers how many mails went. */
  clear(scope: string): Promise<number> {
    return this.knex('mailbox').where({ scope }).delete();
  }
}
