// The API client of the admin page: the key lives in sessionStorage (this tab only) and every
// error comes back as an ApiError with the API's code, message, hint and field details.

const KEY = 'envoi.apiKey';
const SCOPE = 'envoi.scope';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string | null = null,
    readonly details: ErrorDetail[] = [],
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

/** Calls the API; resolves with the JSON body (undefined for 204) or throws an ApiError. */
export async function api<T = unknown>(method: string, path: string, body?: unknown, key = session.key()): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server did not answer', 'Check that Envoi is running and reload the page.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const e = (parsed as { error?: { code?: string; message?: string; hint?: string; details?: ErrorDetail[] } } | undefined)?.error;
    const err = new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `The server answered ${res.status}`, e?.hint ?? null, e?.details ?? []);
    if (res.status === 401 && key === session.key()) onUnauthorized(err);
    throw err;
  }
  return parsed as T;
}

/** Path of a scope's collection: `/scopes/acme/connections`. */
export const scoped = (scope: string, rest: string): string => `/scopes/${encodeURIComponent(scope)}/${rest}`;

// Shapes the page reads (see the README's HTTP API).

export type Role = 'admin' | 'builder' | 'runtime';

export interface WhoAmI {
  keyId: string;
  role: Role;
  scope: string;
  label: string | null;
}

export interface Warning {
  code: string;
  message: string;
  hint?: string;
}

export interface Connection {
  id: string;
  name: string;
  provider: 'smtp' | 'microsoft365';
  senderEmail: string;
  senderName?: string;
  replyTo?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  requireTLS?: boolean;
  authMethod?: 'PLAIN' | 'LOGIN' | 'NONE';
  user?: string;
  userSameAsSender?: boolean;
  isDefault: boolean;
  hasSecret: boolean;
  version: number;
  warnings: Warning[];
  health?: { status: 'ok' | 'unhealthy'; lastError?: { code?: string; message?: string; hint?: string } | string; since?: string };
  [field: string]: unknown;
}

export interface TestResult {
  ok: boolean;
  stage: string;
  code?: string;
  message: string;
  hint?: string;
  durationMs?: number;
  deliveryId?: string;
  subject?: string;
  status?: string;
  reply?: string;
}

export interface SmtpError {
  code: string;
  message: string;
  hint?: string | null;
  responseCode?: number | null;
  reply?: string | null;
}

export interface Delivery {
  id: string;
  status: 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'unknown';
  action: string;
  connection: { id: string | null; name: string | null };
  subject: string | null;
  recipients: string[];
  from: string;
  messageId: string | null;
  size?: number;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  /** Why a queued delivery is not being tried (e.g. CONNECTION_UNHEALTHY), as an error shape. */
  waitingFor?: SmtpError | null;
  accepted: string[] | null;
  rejected: string[] | null;
  response: string | null;
  lastError: SmtpError | null;
  createdAt: string;
  sentAt: string | null;
  attemptLog?: Array<{ number: number; startedAt: string; durationMs: number | null; outcome: string; outcomeUnknown?: boolean; code: string | null; responseCode: number | null; reply: string | null; message: string | null; hint?: string | null }>;
}

export interface Preset {
  id: string;
  label: string;
  provider: 'smtp' | 'microsoft365';
  settings: Record<string, unknown>;
  note: string;
  suggestedRateLimit?: { messages: number; perSeconds: number; reason: string };
}

export interface ManifestAction {
  key: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
}

export interface Manifest {
  connector: { settingsSchema: Record<string, unknown> };
  actions: ManifestAction[];
}

// The same shape the server sends; a type-only import is erased from the browser build.
export type { CapturedMail } from '../../connector/demo.js';

let manifest: Promise<Manifest> | undefined;
let presets: Promise<Preset[]> | undefined;
/** The manifest and presets change only with a new release: fetched once per sign-in. */
export const getManifest = (): Promise<Manifest> => (manifest ??= api<Manifest>('GET', '/manifest').catch((e: unknown) => { manifest = undefined; throw e; }));
export const getPresets = (): Promise<Preset[]> => (presets ??= api<{ items: Preset[] }>('GET', '/presets').then((r) => r.items).catch((e: unknown) => { presets = undefined; throw e; }));
export const forgetCache = (): void => {
  manifest = undefined;
  presets = undefined;
};
