/**
 * What a provider's event receiver is (design.md "Bounces, complaints and suppression"): the
 * email APIs post what happened to a message (delivered, bounced, complained) to
 * `POST /hooks/v1/:connectionId`. Each provider signs its posts its own way; its receiver checks
 * that signature over the exact bytes before it parses anything, then names the events.
 */
import crypto from 'node:crypto';
import type { Config } from '../config.js';
import type { ResolvedConnection } from '../connections.js';
import { EnvoiError } from '../errors.js';
import type { Bounce, RecipientEventType } from '../events/types.js';
import type { Logger } from '../log.js';
import type { StoredConnection } from '../store/connection-types.js';

/** A provider's post as it arrived: headers (lower-case names) and the body's exact bytes. */
export interface InboundRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One recipient's event as the provider reported it. */
export interface InboundEvent {
  /**
   * The id the provider gave the message when it took it (what the attempt stored), or the
   * candidates for it, most specific first, when the event carries it with a suffix.
   */
  providerMessageId: string | string[];
  recipient: string;
  type: RecipientEventType;
  bounce?: Bounce | undefined;
  at?: string | undefined;
  /** The provider's id of this event (a repeated post is the same event). */
  eventId: string;
}

/** What a receiver may use besides the request. */
export interface InboundContext {
  conn: ResolvedConnection;
  config: Pick<Config, 'snsCertHosts'>;
  /** HMAC keys derived from the keyring for a purpose, the current one first. */
  macKeys(purpose: string): Buffer[];
  /** Remembers a one-time value for ttlMs; false when it was seen before (a replay). */
  once(key: string, ttlMs: number): Promise<boolean>;
  logger: Logger;
}

export interface ProviderInbound {
  /** Verifies the post (UNAUTHORIZED when it fails), then reads the events Envoi tracks from it. */
  receive(req: InboundRequest, ctx: InboundContext): Promise<InboundEvent[]>;
  /** The URL to paste into the provider's console; by default `<publicUrl>/hooks/v1/<id>`. */
  eventUrl?(publicUrl: string, conn: StoredConnection, macKeys: (purpose: string) => Buffer[]): string;
}

/** The refusal of a post whose signature does not hold: 401, and nothing changes. */
export function badSignature(message: string, hint: string): EnvoiError {
  return new EnvoiError('UNAUTHORIZED', message, { hint });
}

/** One header's value (the first, when repeated). */
export function header(req: InboundRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Compares two secrets in constant time (different lengths are simply unequal). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The body as JSON, once its signature held; a malformed one is refused as the provider's mistake. */
export function jsonBody<T>(req: InboundRequest): T {
  try {
    return JSON.parse(req.body.toString('utf8')) as T;
  } catch {
    throw new EnvoiError('BAD_JSON', 'The event body is not JSON', { hint: 'The provider posts its events as JSON; check the event URL is the one Envoi shows.' });
  }
}

/** Whether a timestamp in seconds lies within `toleranceS` of now (replays of old posts are refused). */
export function fresh(seconds: string | number | undefined, toleranceS: number): boolean {
  const t = Number(seconds);
  return Number.isFinite(t) && Math.abs(Date.now() / 1000 - t) <= toleranceS;
}
