import type { Knex } from 'knex';
import { dnsRecordOf, type DkimAlgorithm, type DkimKeyView } from '../dkim/keys.js';
import type { Sealed } from '../secrets.js';

/** A stored key row: its public part and the sealed private key. */
export interface StoredDkimKey {
  id: string;
  scope: string;
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  publicKey: string;
  sealed: Sealed;
  createdAt: string;
}

type Row = Record<string, string>;

const toStored = (r: Row): StoredDkimKey => ({
  id: r.id!, scope: r.scope!, domain: r.domain!, selector: r.selector!, algorithm: r.algorithm as DkimAlgorithm,
  publicKey: r.public_key!, sealed: { keyId: r.private_key_id!, value: r.private_key_sealed! }, createdAt: r.created_at!,
});

/** The view of a stored key: the record to publish, never the private key. */
export const viewOf = (k: StoredDkimKey): DkimKeyView => ({
  id: k.id, domain: k.domain, selector: k.selector, algorithm: k.algorithm, dnsRecord: dnsRecordOf(k), createdAt: k.createdAt,
});

/** DKIM keys per scope and domain (domains kept lower-case: DNS names are case-insensitive, RFC 4343). */
export class DkimKeyStore {
  constructor(private readonly knex: Knex) {}

  /** Inserts a key; false when the scope has that selector for that domain already. */
  async insert(k: StoredDkimKey): Promise<boolean> {
    const rows = await this.knex('dkim_keys')
      .insert({
        id: k.id, scope: k.scope, domain: k.domain, selector: k.selector, algorithm: k.algorithm, public_key: k.publicKey,
        private_key_id: k.sealed.keyId, private_key_sealed: k.sealed.value, created_at: k.createdAt,
      })
      .onConflict(['scope', 'domain', 'selector'])
      .ignore()
      .returning('id');
    return (rows as unknown[]).length > 0;
  }

  async list(scope: string, domain?: string): Promise<StoredDkimKey[]> {
    const q = this.knex('dkim_keys').where({ scope });
    if (domain) q.andWhere({ domain: domain.toLowerCase() });
    return ((await q.orderBy([{ column: 'domain' }, { column: 'created_at', order: 'desc' }, { column: 'selector' }])) as Row[]).map(toStored);
  }

  async get(scope: string, id: string): Promise<StoredDkimKey | undefined> {
    const r = (await this.knex('dkim_keys').where({ scope, id }).first()) as Row | undefined;
    return r ? toStored(r) : undefined;
  }

  async remove(scope: string, id: string): Promise<boolean> {
    return (await this.knex('dkim_keys').where({ scope, id }).delete()) > 0;
  }

  /** The keys for a From domain, the scope's first, then each further scope's (the platform's). */
  async forDomain(scopes: string[], domain: string): Promise<StoredDkimKey[]> {
    const rows = ((await this.knex('dkim_keys').whereIn('scope', scopes).andWhere({ domain: domain.toLowerCase() }).orderBy('created_at', 'desc')) as Row[]).map(toStored);
    return scopes.flatMap((s) => rows.filter((r) => r.scope === s));
  }
}
