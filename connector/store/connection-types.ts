/** What the connection store hands out: a connection row (never its secrets' values) and its parts. */
import type { EmailConnection, ProviderKey, SecretField } from '../../schemas/types.js';

export type { ProviderKey, SecretField };

/** The non-secret settings of a connection, as stored in its `settings` column. */
export type ConnectionSettings = Omit<
  EmailConnection,
  'id' | 'scope' | 'name' | 'provider' | 'fallback' | SecretField | 'isDefault' | 'hasSecret' | 'eventUrl' | 'version' | 'createdAt' | 'updatedAt' | 'warnings'
>;

/** A connection row as the rest of the connector sees it. */
export interface StoredConnection {
  id: string;
  scope: string;
  name: string;
  provider: ProviderKey;
  settings: ConnectionSettings;
  isDefault: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Which secret fields are stored (never their values). */
  secretFields: SecretField[];
  /** Unhealthy after an auth or TLS failure in delivery, until a passing test or an edit. */
  health: ConnectionHealth;
  /** The connection of the same scope that carries the mail when this one fails (design.md "Failover"). */
  fallback: ConnectionRef | null;
}

/** A connection named by id and name (a fallback, the connection an attempt went through). */
export interface ConnectionRef {
  id: string;
  name: string;
}

export interface ConnectionHealth {
  /** untested: never tested nor used since it was created or edited (design.md "A connection"). */
  status: 'untested' | 'ok' | 'unhealthy';
  lastError?: { code: string; message: string; hint?: string };
  since?: string;
}

/** A sealed secret as stored. */
export interface SealedSecret {
  field: SecretField;
  keyId: string;
  sealed: string;
}
