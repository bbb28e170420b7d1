import type { Knex } from 'knex';
import { EnvoiError } from '../errors.js';
import type { ConnectionHealth, ConnectionRef, ConnectionSettings, SealedSecret, SecretField, StoredConnection } from './connection-types.js';
import { isUniqueViolation } from './database.js';

// The connection types live beside the store; callers import them from here.
export type { ConnectionHealth, ConnectionRef, ConnectionSettings, SealedSecret, SecretField, StoredConnection } from './connection-types.js';

interface Row {
  id: string;
  scope: string;
  name: string;
  name_key: string;
  provider: string;
  settings: string;
  is_default: boolean | number;
  version: number;
  created_at: string;
  updated_at: string;
  health_status?: string;
  health_error?: string | null;
  health_since?: string | null;
  fallback_id?: string | null;
}

const nameKey = (name: string) => name.trim().toLocaleLowerCase('en-US');

function duplicateName(name: string): EnvoiError {
  return new EnvoiError('CONFLICT', `A connection named "${name}" already exists in this scope`, {
    hint: 'Choose another name; names are unique per scope, ignoring case.',
    details: [{ path: '/name', message: 'is already used by another connection of this scope' }],
  });
}

/** Table access for connections and their sealed secrets. Knows nothing of HTTP or policy. */
export class ConnectionStore {
  private readonly isPg: boolean;
  constructor(private readonly knex: Knex) {
    this.isPg = knex.client.config.client === 'pg';
  }

  /**
   * Locks a scope's rows for a default switch. On PostgreSQL the rows are locked in a fixed
   * order, so concurrent switches queue up instead of deadlocking or tripping the partial
   * unique index; SQLite serializes write transactions already.
   */
  private async lockScope(trx: Knex.Transaction, scope: string): Promise<string[]> {
    const q = trx('connections').where({ scope }).orderBy('id').select('id');
    const rows = (await (this.isPg ? q.forUpdate() : q)) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  private async secretFieldsOf(ids: string[], trx: Knex = this.knex): Promise<Map<string, SecretField[]>> {
    const map = new Map<string, SecretField[]>();
    if (ids.length === 0) return map;
    const rows = await trx('connection_secrets').select('connection_id', 'field').whereIn('connection_id', ids);
    for (const r of rows as Array<{ connection_id: string; field: SecretField }>) {
      map.set(r.connection_id, [...(map.get(r.connection_id) ?? []), r.field]);
    }
    return map;
  }

  /** Rows as connections: their secret fields and the names of their fallbacks read alongside. */
  private async hydrate(rows: Row[], trx: Knex = this.knex): Promise<StoredConnection[]> {
    const secrets = await this.secretFieldsOf(rows.map((r) => r.id), trx);
    const fallbackIds = [...new Set(rows.flatMap((r) => (r.fallback_id ? [r.fallback_id] : [])))];
    const names = new Map<string, string>();
    if (fallbackIds.length) {
      for (const f of (await trx('connections').select('id', 'name').whereIn('id', fallbackIds)) as Array<{ id: string; name: string }>) names.set(f.id, f.name);
    }
    return rows.map((r) => {
      const name = r.fallback_id ? names.get(r.fallback_id) : undefined;
      return this.toConnection(r, secrets.get(r.id) ?? [], r.fallback_id && name !== undefined ? { id: r.fallback_id, name } : null);
    });
  }

  private toConnection(row: Row, secretFields: SecretField[], fallback: ConnectionRef | null): StoredConnection {
    return {
      id: row.id,
      scope: row.scope,
      name: row.name,
      provider: row.provider as StoredConnection['provider'],
      settings: JSON.parse(row.settings) as ConnectionSettings,
      isDefault: Boolean(row.is_default),
      version: Number(row.version),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      secretFields: secretFields.sort(),
      health:
        row.health_status === 'unhealthy'
          ? { status: 'unhealthy', ...(row.health_error ? { lastError: JSON.parse(row.health_error) } : {}), ...(row.health_since ? { since: row.health_since } : {}) }
          : { status: row.health_status === 'untested' ? 'untested' : 'ok' },
      fallback,
    };
  }

  /** The connections of a scope, by name. */
  async list(scope: string): Promise<StoredConnection[]> {
    const rows = (await this.knex<Row>('connections').where({ scope }).orderBy('name_key')) as Row[];
    return this.hydrate(rows);
  }

  /** Every connection of a provider in every scope (a worker's bounce poller reads them). */
  async listByProvider(provider: string): Promise<StoredConnection[]> {
    return this.hydrate((await this.knex<Row>('connections').where({ provider }).orderBy('id')) as Row[]);
  }

  /** One connection of a scope by id, or undefined (a connection of another scope is not found). */
  async get(scope: string, id: string, trx: Knex = this.knex): Promise<StoredConnection | undefined> {
    const row = (await trx<Row>('connections').where({ scope, id }).first()) as Row | undefined;
    if (!row) return undefined;
    return (await this.hydrate([row], trx))[0];
  }

  /** One connection by id, whatever its scope. */
  async byId(id: string): Promise<StoredConnection | undefined> {
    return this.one((await this.knex<Row>('connections').where({ id }).first()) as Row | undefined);
  }

  private async one(row: Row | undefined): Promise<StoredConnection | undefined> {
    if (!row) return undefined;
    return (await this.hydrate([row]))[0];
  }

  /** A connection of a scope by id or by exact name. */
  async findByRef(scope: string, ref: string): Promise<StoredConnection | undefined> {
    return this.one(
      (await this.knex<Row>('connections')
        .where({ scope })
        .andWhere((q) => q.where({ id: ref }).orWhere({ name: ref }))
        .first()) as Row | undefined,
    );
  }

  /** The default connection of a scope, if it has one. */
  async getDefault(scope: string): Promise<StoredConnection | undefined> {
    return this.one((await this.knex<Row>('connections').where({ scope, is_default: true }).first()) as Row | undefined);
  }

  /** Inserts a connection and its secrets in one transaction; makes it default when asked. */
  async insert(conn: Omit<StoredConnection, 'secretFields' | 'isDefault' | 'version' | 'health' | 'fallback'> & { fallbackId: string | null }, secrets: SealedSecret[], makeDefault: boolean): Promise<StoredConnection> {
    try {
      await this.knex.transaction(async (trx) => {
        if (makeDefault) {
          await this.lockScope(trx, conn.scope);
          await trx('connections').where({ scope: conn.scope, is_default: true }).update({ is_default: false });
        }
        await trx('connections').insert({
          id: conn.id,
          scope: conn.scope,
          name: conn.name,
          name_key: nameKey(conn.name),
          provider: conn.provider,
          settings: JSON.stringify(conn.settings),
          fallback_id: conn.fallbackId,
          is_default: makeDefault,
          version: 1,
          // Nothing is known of it until a test passes or a send goes through.
          health_status: 'untested',
          created_at: conn.createdAt,
          updated_at: conn.updatedAt,
        });
        if (secrets.length) {
          await trx('connection_secrets').insert(secrets.map((s) => ({ connection_id: conn.id, field: s.field, key_id: s.keyId, sealed: s.sealed })));
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateName(conn.name);
      throw err;
    }
    return (await this.get(conn.scope, conn.id))!;
  }

  /**
   * Replaces a connection's name, provider and settings, sets or deletes secrets, and bumps its
   * version, in one transaction. `expectedVersion` guards against a concurrent edit.
   */
  async update(
    scope: string,
    id: string,
    expectedVersion: number,
    change: { name: string; provider: StoredConnection['provider']; settings: ConnectionSettings; fallbackId: string | null; updatedAt: string },
    setSecrets: SealedSecret[],
    deleteSecrets: SecretField[],
  ): Promise<StoredConnection> {
    try {
      await this.knex.transaction(async (trx) => {
        const n = await trx('connections')
          .where({ scope, id, version: expectedVersion })
          .update({
            name: change.name,
            name_key: nameKey(change.name),
            provider: change.provider,
            settings: JSON.stringify(change.settings),
            fallback_id: change.fallbackId,
            version: expectedVersion + 1,
            updated_at: change.updatedAt,
            // An edit is a fresh start: a test or the next send finds out whether it works.
            health_status: 'untested',
            health_error: null,
            health_since: null,
          });
        if (n !== 1) {
          throw new EnvoiError('CONFLICT', 'The connection was changed by someone else while you edited it', {
            hint: 'Load the connection again and re-apply your change.',
          });
        }
        const fields = [...deleteSecrets, ...setSecrets.map((s) => s.field)];
        if (fields.length) await trx('connection_secrets').where({ connection_id: id }).whereIn('field', fields).delete();
        if (setSecrets.length) {
          await trx('connection_secrets').insert(setSecrets.map((s) => ({ connection_id: id, field: s.field, key_id: s.keyId, sealed: s.sealed })));
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateName(change.name);
      throw err;
    }
    return (await this.get(scope, id))!;
  }

  /**
   * Deletes a connection; its secrets go with it (ON DELETE CASCADE, and explicitly), and a
   * connection that named it as its fallback no longer does.
   */
  async delete(scope: string, id: string): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const exists = await trx('connections').where({ scope, id }).first('id');
      if (!exists) return false;
      await trx('connection_secrets').where({ connection_id: id }).delete();
      await trx('connections').where({ scope, fallback_id: id }).update({ fallback_id: null });
      await trx('connections').where({ scope, id }).delete();
      return true;
    });
  }

  /**
   * Makes a connection its scope's default in one transaction. The partial unique index means
   * two concurrent switches cannot both win; the loser retries against the new state.
   */
  async setDefault(scope: string, id: string): Promise<StoredConnection | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const found = await this.knex.transaction(async (trx) => {
          const ids = await this.lockScope(trx, scope);
          if (!ids.includes(id)) return false;
          await trx('connections').where({ scope, is_default: true }).whereNot({ id }).update({ is_default: false });
          await trx('connections').where({ scope, id }).update({ is_default: true });
          return true;
        });
        return found ? this.get(scope, id) : undefined;
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
  }

  /** Records a connection's health; true when it changed, and then `after` writes what reports it (its event) in the same transaction. */
  setHealth(id: string, health: ConnectionHealth, after?: (trx: Knex.Transaction) => Promise<void>): Promise<boolean> {
    return this.knex.transaction(async (db) => {
      const changed = await this.writeHealth(db, id, health);
      if (changed && after) await after(db);
      return changed;
    });
  }

  private async writeHealth(db: Knex, id: string, health: ConnectionHealth): Promise<boolean> {
    const n = await db('connections')
      .where({ id })
      .whereNot({ health_status: health.status })
      .update({ health_status: health.status, health_error: health.lastError ? JSON.stringify(health.lastError) : null, health_since: health.status === 'ok' ? null : new Date().toISOString() });
    if (n === 0 && health.status === 'unhealthy') {
      // Already unhealthy: keep the newest error.
      await db('connections').where({ id }).update({ health_error: health.lastError ? JSON.stringify(health.lastError) : null });
    }
    return n > 0;
  }

  /**
   * An untested connection worked (a send went through): ok. Only an untested one changes, so a
   * connection already ok costs no write per mail and an unhealthy mark stays for a test to clear.
   */
  async markWorking(id: string): Promise<boolean> {
    return (await this.knex('connections').where({ id, health_status: 'untested' }).update({ health_status: 'ok', health_error: null, health_since: null })) > 0;
  }

  /** Each connection of a scope with the id of its fallback (to check a new link for cycles and length). */
  async fallbackLinks(scope: string): Promise<Map<string, string | null>> {
    const rows = (await this.knex('connections').select('id', 'fallback_id').where({ scope })) as Array<{ id: string; fallback_id: string | null }>;
    return new Map(rows.map((r) => [r.id, r.fallback_id ?? null]));
  }

  /** The sealed secrets of a connection. */
  async sealedSecrets(id: string): Promise<SealedSecret[]> {
    const rows = (await this.knex('connection_secrets').where({ connection_id: id })) as Array<{ field: SecretField; key_id: string; sealed: string }>;
    return rows.map((r) => ({ field: r.field, keyId: r.key_id, sealed: r.sealed }));
  }
}
