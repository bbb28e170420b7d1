import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { EnvoiError } from '../errors.js';

export const ROLES = ['admin', 'builder', 'runtime'] as const;
export type Role = (typeof ROLES)[number];

/** Who a request is: the role and scope of its key. */
export interface Principal {
  keyId: string;
  role: Role;
  scope: string;
  label?: string | null;
}

export interface KeyRecord {
  id: string;
  prefix: string;
  role: Role;
  scope: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** How precise `lastUsedAt` is: it is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Keys are 192 random bits, so a fast hash is enough: there is nothing to brute-force. */
export const hashKey = (key: string) => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

/** API keys, stored hashed; the key itself is shown once, at creation. */
export class KeyStore {
  constructor(private readonly knex: Knex) {}

  async create(input: { role: Role; scope: string; label?: string | undefined }): Promise<KeyRecord & { key: string }> {
    if (!(ROLES as readonly string[]).includes(input.role)) {
      throw new EnvoiError('VALIDATION_FAILED', `"${input.role}" is not a role`, { details: [{ path: '/role', message: `must be one of ${ROLES.join(', ')}` }] });
    }
    const key = `envoi_${crypto.randomBytes(24).toString('base64url')}`;
    const record: KeyRecord = {
      id: crypto.randomUUID(),
      prefix: key.slice(0, 12),
      role: input.role,
      scope: input.scope,
      label: input.label ?? null,
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
    };
    await this.knex('api_keys').insert({
      id: record.id,
      key_hash: hashKey(key),
      prefix: record.prefix,
      role: record.role,
      scope: record.scope,
      label: record.label,
      created_at: record.createdAt,
    });
    return { ...record, key };
  }

  /** The principal of a key, or undefined for an unknown or revoked key. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const row = await this.knex('api_keys').where({ key_hash: hashKey(key) }).whereNull('revoked_at').first();
    if (!row) return undefined;
    await this.touch(row.id, row.last_used_at);
    return { keyId: row.id, role: row.role as Role, scope: row.scope, label: row.label };
  }

  /**
   * Records that a key was used, at most once a minute per key: a write per request would cost
   * more than the request. The condition sits in the UPDATE, so processes sharing the database
   * agree without remembering anything. A failed write never fails the request it came with.
   */
  private async touch(id: string, lastUsedAt: string | null): Promise<void> {
    const now = Date.now();
    if (lastUsedAt && now - Date.parse(lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
    const cutoff = new Date(now - LAST_USED_RESOLUTION_MS).toISOString();
    await this.knex('api_keys')
      .where({ id })
      .where((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<', cutoff))
      .update({ last_used_at: new Date(now).toISOString() })
      .catch(() => {});
  }

  async list(): Promise<KeyRecord[]> {
    const rows = await this.knex('api_keys').whereNull('revoked_at').orderBy('created_at');
    return rows.map((r: Record<string, string | null>) => ({
      id: r.id!,
      prefix: r.prefix!,
      role: r.role as Role,
      scope: r.scope!,
      label: r.label ?? null,
      createdAt: r.created_at!,
      lastUsedAt: r.last_used_at ?? null,
    }));
  }

  async revoke(id: string): Promise<boolean> {
    const n = await this.knex('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
    return n === 1;
  }
}
