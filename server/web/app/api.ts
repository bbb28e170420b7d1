// The API client of the admin page: the key lives in sessionStorage (this tab only) and every
// error comes back as an ApiError with the API's code, message, hint and field details.

import type { ManifestAction as StoredManifestAction, ServedManifest } from '../../../actions/manifest.js';
import type { Preset } from '../../../connector/presets.js';
import type { ErrorDetail } from '../../../schemas/errors.js';
import { language, t } from './i18n/index.js';

// The shapes the page reads are imported from where the server makes them: type-only imports
// are erased, so the compiled page stays plain ES modules with no import outside server/web/app/.
export type { ErrorDetail };

const KEY = 'envoi.apiKey';
/**
 * The API beside the page, wherever the page is mounted (`/` or a host's `/plugins/email/`):
 * resolved from the page's own URL, never from the origin's root.
 */
const API_BASE = new URL('api/v1', document.baseURI).pathname;
const SCOPE = 'envoi.scope';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string | null = null,
    readonly details: ErrorDetail[] = [],
    /** The body's other facts about the error (a template error's line and column). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  scope: (): string | null => sessionStorage.getItem(SCOPE),
  setKey: (key: string) => sessionStorage.setItem(KEY, key),
  setScope: (scope: string) => sessionStorage.setItem(SCOPE, scope),
  clear: () => {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SCOPE);
  },
};

/** Called when the API says the key is no longer valid (revoked while signed in). */
let onUnauthorized: (err: ApiError) => void = () => {};
export const whenUnauthorized = (fn: (err: ApiError) => void) => {
  onUnauthorized = fn;
};

/** Sends a request to the API; a network failure throws the NETWORK ApiError. */
export async function send(method: string, path: string, body: unknown, key: string | null, opts: { accept?: string; signal?: AbortSignal | undefined } = {}): Promise<Response> {
  try {
    return await fetch(`${API_BASE}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        accept: opts.accept ?? 'application/json',
        // The server answers its messages and hints in the page's language (RFC 9110 §12.5.4).
        'accept-language': language(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    // A request the page gave up on (a newer one replaced it) is not a network failure.
    if (opts.signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK', t('api.noAnswer'), t('api.noAnswerHint'));
  }
}

/** A body as JSON; undefined when empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The ApiError of an error answer (its body parsed); a revoked key signs the page out. */
export function refusal(status: number, parsed: unknown, key: string | null, probe = false): ApiError {
  const e = (parsed as { error?: { code?: string; message?: string; hint?: string; details?: ErrorDetail[] } & Record<string, unknown> } | undefined)?.error;
  const { code, message, hint, details, ...extra } = e ?? {};
  const err = new ApiError(status, code ?? `HTTP_${status}`, message ?? t('api.status', { status }), hint ?? null, details ?? [], extra);
  if (status === 401 && !probe && key === session.key()) onUnauthorized(err);
  return err;
}

/**
 * Calls the API; resolves with the JSON body (undefined for 204) or throws an ApiError. With
 * `probe`, a 401 is only the answer (asking whether a host's sign-in covers this page); `signal`
 * aborts a request a newer one replaces.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown, key = session.key(), opts: { probe?: boolean; signal?: AbortSignal } = {}): Promise<T> {
  const res = await send(method, path, body, key, { signal: opts.signal });
  if (res.status === 204) return undefined as T;
  const parsed = parseJson(await res.text());
  if (!res.ok) throw refusal(res.status, parsed, key, opts.probe);
  return parsed as T;
}

/** Path of a scope's collection: `/scopes/acme/connections`. */
export const scoped = (scope: string, rest: string): string => `/scopes/${encodeURIComponent(scope)}/${rest}`;

// Shapes the page reads (see the README's HTTP API), from the modules that answer them.

export type { KeyRecord, Role } from '../../../connector/store/keys.js';
export type { WhoAmI } from '../../app.js';
export type { Warning } from '../../../connector/connection-warnings.js';
/** A connection as the API shows it (no secret; hasSecret, isDefault, health, warnings). */
export type { ConnectionView as Connection } from '../../../connector/connections.js';
/** A connection test's answer: `{ok, stage, code?, message, hint?, durationMs}`. */
export type { TestResult } from '../../../connector/providers/results.js';
export type { ConnectionList, TestEmailResult } from '../../routes/connections.js';
/** A delivery as the log lists it, and as GET …/deliveries/:id shows it with its attempts. */
export type { DeliveryView as Delivery, DeliveryDetail } from '../../routes/deliveries.js';
export type { Preset };
/** The manifest as GET /manifest serves it: every schema inlined. */
export type Manifest = ServedManifest;
export type ManifestAction = StoredManifestAction<Record<string, unknown>>;
/** A mail sandbox mode captured: as the mailbox lists it, and with its message. */
export type { MailboxItem } from '../../../connector/store/mailbox.js';
export type { CapturedMailView as CapturedMail } from '../../../lib/operations/sandbox.js';
/** An entry of a scope's suppression list. */
export type { Suppression } from '../../../connector/store/suppressions.js';
export type { EndpointView as WebhookEndpoint } from '../../../connector/store/webhook-endpoints.js';
export type { EndpointWithSecret as WebhookEndpointWithSecret } from '../../../connector/events/webhooks.js';
export type { MessageView as WebhookMessage } from '../../../connector/store/webhook-messages.js';
export type { DkimKeyView as DkimKey } from '../../../connector/dkim/keys.js';
export type { DomainCheck } from '../../../connector/domain-check/domain-check.js';

let manifest: Promise<Manifest> | undefined;
let presets: Promise<Preset[]> | undefined;
/** The manifest and presets change only with a new release: fetched once per sign-in and language. */
export const getManifest = (): Promise<Manifest> => (manifest ??= api<Manifest>('GET', '/manifest').catch((e: unknown) => { manifest = undefined; throw e; }));
export const getPresets = (): Promise<Preset[]> => (presets ??= api<{ items: Preset[] }>('GET', '/presets').then((r) => r.items).catch((e: unknown) => { presets = undefined; throw e; }));
export const forgetCache = (): void => {
  manifest = undefined;
  presets = undefined;
};
