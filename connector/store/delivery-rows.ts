/** The outbox's types, and how its rows map to them (shared by the store and the statements it delegates to). */
import type { Stage, StoredFailure } from '../failures.js';
import type { ConnectionRef } from './connection-types.js';

/**
 * `unknown`: the last attempt's outcome is unknown (see decide.ts) and no retry is left for it.
 * `captured`: sandbox mode kept the message from every recipient (design.md "Sandbox"); final.
 */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'unknown' | 'captured';
export const STATUSES: readonly DeliveryStatus[] = ['queued', 'sending', 'sent', 'retrying', 'failed', 'unknown', 'captured'];

/**
 * The reason a delivery failed (last) or waits: a failure of the catalogue as it was stored, with
 * its stage, or a wait reason (RATE_LIMITED, CONNECTION_UNHEALTHY) in the same shape.
 */
export type DeliveryError = StoredFailure;

export interface Delivery {
  id: string;
  scope: string;
  connectionId: string;
  connectionScope: string;
  connectionName: string;
  action: string;
  status: DeliveryStatus;
  subject: string | null;
  recipients: string[];
  envelope: { from: string; to: string[] };
  size: number;
  messageId: string;
  idempotencyKey: string | null;
  attempts: number;
  maxAttempts: number;
  /** Attempts whose outcome was unknown (the server may have the mail). */
  unknownAttempts: number;
  dueAt: number;
  accepted: string[] | null;
  rejected: string[] | null;
  lastError: DeliveryError | null;
  response: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  purgedAt: string | null;
  /** Why a queued delivery waits (rate limit, unhealthy connection), or null. */
  waitReason: DeliveryError | null;
  /** Which connection of its chain the next attempt goes through (0: its own; see Claimed). */
  routeIndex: number;
  /** Recipients dropped before queueing because they are on the scope's suppression list. */
  suppressed: string[];
  /** Recipients sandbox mode captured the message for instead of sending it (design.md "Sandbox"). */
  captured: string[];
  /** The DKIM key that signed the mail that went out (design.md "Deliverability"), or null. */
  dkim: { domain: string; selector: string } | null;
}

export interface Attempt {
  number: number;
  worker: string;
  startedAt: string;
  durationMs: number;
  outcome: 'sent' | 'retry' | 'failed' | 'unknown' | 'lost' | 'released';
  code: string | null;
  /** The last step the attempt reached (`done` when sent); null when it never started (released). */
  stage: Stage | null;
  responseCode: number | null;
  reply: string | null;
  message: string | null;
  hint: string | null;
  /** The connection the attempt went through (null when it reached none: lost, or recorded before failover). */
  connection: ConnectionRef | null;
  /** The id the provider gave the mail (an email API's message id), when it gave one. */
  providerMessageId?: string | null;
}

/** Where a finished attempt leaves its delivery. */
export type NextState =
  | { status: 'sent'; accepted: string[]; rejected: string[]; response: string; dkim?: { domain: string; selector: string } | undefined }
  | { status: 'retrying'; dueAt: number; error: DeliveryError; partial?: { envelope: { from: string; to: string[] }; accepted: string[]; rejected: string[] }; routeIndex?: number }
  | { status: 'failed'; error: DeliveryError }
  | { status: 'unknown'; error: DeliveryError }
  | { status: 'queued'; dueAt: number }
  | { status: 'waiting'; dueAt: number; reason: DeliveryError; routeIndex?: number };

/** A finished attempt to record, and where it leaves its delivery. */
export interface FinishItem {
  id: string;
  /** The delivery's scope when known (the worker's claim): events skip reading it when nobody listens. */
  scope?: string | undefined;
  attempt: Omit<Attempt, 'worker'>;
  next: NextState;
  /** A fallback takes the next attempt: `connection.failover` is written with this record. */
  failover?: { from: ConnectionRef; to: ConnectionRef; connectionScope: string; deliveryScope: string } | undefined;
}

/** A claimed delivery: what a worker needs to send it. */
export interface Claimed {
  id: string;
  /** The scope the mail was sent in (fair claiming counts per scope). */
  scope: string;
  connectionId: string;
  connectionScope: string;
  envelope: { from: string; to: string[] };
  raw: string;
  /** Bytes of the message. */
  size: number;
  /** Recipients earlier attempts delivered to, or that were refused for good (deferred ones retry alone). */
  accepted: string[];
  rejected: string[];
  attempts: number;
  maxAttempts: number;
  /** Which connection of its chain (0: the primary, then its fallbacks) the next attempt goes through. */
  routeIndex: number;
}

/** What enqueueing stores: the delivery's identity and message; status and timing start fresh. */
export type NewDelivery = Pick<
  Delivery,
  'id' | 'scope' | 'connectionId' | 'connectionScope' | 'connectionName' | 'action' | 'subject' | 'recipients' | 'envelope' | 'size' | 'messageId' | 'idempotencyKey' | 'maxAttempts' | 'dueAt'
> & {
  /** Null only for a delivery that ends before any attempt (every recipient suppressed): nothing to send or retry. */
  raw: string | null;
  inputHash?: string | null;
  suppressed?: string[];
  /** Stored `failed` with this error and no attempt (ALL_RECIPIENTS_SUPPRESSED). */
  failed?: DeliveryError;
  captured?: string[];
  /** Every recipient was captured: stored `captured`, with no body and no attempt. */
  allCaptured?: boolean;
};

/** The status a new delivery starts in. */
export const initialStatus = (d: Pick<NewDelivery, 'failed' | 'allCaptured'>): DeliveryStatus => (d.failed ? 'failed' : d.allCaptured ? 'captured' : 'queued');

/** A row as the driver returns it. */
export type Row = Record<string, any>;
/** A JSON column's value, or null when empty. */
export const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));
/** A numeric column (PostgreSQL returns bigints and counts as strings). */
export const num = (v: unknown): number => Number(v);

/** A delivery as the API shows it, from a row read with LIST_COLUMNS. */
export function toDelivery(r: Row): Delivery {
  return {
    id: r.id,
    scope: r.scope,
    connectionId: r.connection_id,
    connectionScope: r.connection_scope,
    connectionName: r.connection_name,
    action: r.action,
    status: r.status,
    subject: r.subject ?? null,
    recipients: json<string[]>(r.recipients) ?? [],
    envelope: json(r.envelope)!,
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
    suppressed: json<string[]>(r.suppressed) ?? [],
    captured: json<string[]>(r.captured) ?? [],
    dkim: json(r.dkim),
  };
}

/** Every column but the message itself (`raw`), which only a claim reads. */
export const LIST_COLUMNS = [
  'id', 'scope', 'connection_id', 'connection_scope', 'connection_name', 'action', 'status', 'subject', 'recipients', 'envelope', 'size', 'message_id',
  'idempotency_key', 'attempts', 'max_attempts', 'unknown_attempts', 'due_at', 'accepted', 'rejected', 'last_error', 'response', 'created_at', 'updated_at', 'sent_at', 'purged_at', 'wait_reason', 'route_index', 'suppressed', 'captured', 'dkim',
];

/** An attempt as stored in delivery_attempts. */
export function toAttempt(r: Row): Attempt {
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
    providerMessageId: r.provider_message_id ?? null,
  };
}

/** A claimed delivery from a row the claim statement returned. */
export function toClaimed(r: Row): Claimed {
  return {
    id: r.id,
    scope: r.scope,
    connectionId: r.connection_id,
    connectionScope: r.connection_scope,
    envelope: JSON.parse(r.envelope),
    raw: r.raw,
    size: num(r.size),
    accepted: json<string[]>(r.accepted) ?? [],
    rejected: json<string[]>(r.rejected) ?? [],
    attempts: num(r.attempts),
    maxAttempts: num(r.max_attempts),
    routeIndex: num(r.route_index ?? 0),
  };
}

/** The rows of a raw statement: PostgreSQL wraps them in a result, SQLite returns them as they are. */
export function rawRows(isPg: boolean, res: unknown): Row[] {
  return isPg ? (res as { rows: Row[] }).rows : (res as Row[]);
}
