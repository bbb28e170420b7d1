// A leaf: this module imports nothing, so every layer may use it. It lives in schemas/, the layer
// everything already imports (connector/ reads the generated schema types, schemas/validator.ts
// throws VALIDATION_FAILED), so no arrow runs back up from schemas/ into connector/ (design.md,
// "Layout"); connector/errors.ts re-exports it for the imports that name it there.

/**
 * The error catalogue. Every error Envoi reports carries a stable code from this table; the
 * HTTP status and the default hint live beside it so that routes never choose them by hand.
 */
export const ERROR_CATALOGUE = Object.freeze({
  VALIDATION_FAILED: { status: 400, hint: 'Correct the fields listed in details and send the request again.' },
  BAD_JSON: { status: 400, hint: 'Send a JSON body with Content-Type: application/json.' },
  UNAUTHORIZED: { status: 401, hint: 'Send an API key as "Authorization: Bearer <key>"; an admin creates keys with POST /api/v1/keys or `envoi keys create`.' },
  FORBIDDEN: { status: 403, hint: 'Use a key whose role and scope allow this request.' },
  NOT_FOUND: { status: 404, hint: 'Check the path and the id.' },
  CONFLICT: { status: 409, hint: 'Choose another value; this one is taken.' },
  SECRET_REQUIRED: { status: 400, hint: 'Enter the password (or client secret) again.' },
  CONNECTION_NOT_FOUND: { status: 404, hint: 'List the connections of this scope and use one of their ids or names.' },
  NO_DEFAULT_CONNECTION: { status: 409, hint: 'Mark a connection as the default (POST …/connections/:id/default) or name one in the action.' },
  FALLBACK_CYCLE: { status: 400, hint: 'Choose a fallback whose own chain of fallbacks never comes back to this connection, or clear a link of the loop (fallback: null).' },
  HOST_NOT_ALLOWED: { status: 400, hint: 'Use the public name of your mail server. An operator can allow private addresses with ENVOI_ALLOW_PRIVATE_HOSTS=true.' },
  PORT_NOT_ALLOWED: { status: 400, hint: 'Use 587 (STARTTLS) or 465 (TLS), or ask the operator to widen ENVOI_ALLOWED_PORTS.' },
  TEMPLATE_ERROR: { status: 400, hint: 'Fix the template at the line and column given.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, hint: 'Use a new idempotencyKey for a different message, or send the first input again to get its delivery back.' },
  DKIM_SELECTOR_TAKEN: { status: 409, hint: 'Give another selector to add a key beside the existing one, or delete that key first.' },
  UNSUBSCRIBE_LINK_INVALID: { status: 400, hint: 'Use the unsubscribe link of the mail exactly as it came; a link cut short or edited is not accepted.' },
  RATE_LIMITED: { status: 429, hint: 'Wait for the time given in Retry-After, then try again.' },
  PAYLOAD_TOO_LARGE: { status: 413, hint: 'Send a smaller message: shrink or drop attachments.' },
  BUDGET_EXCEEDED: { status: 400, hint: 'Simplify the template (fewer or smaller {{#each}} loops), shorten the html, or send a text part of your own.' },
  CONFIG_INVALID: { status: 500, hint: 'Fix the environment variable named in the message and start Envoi again.' },
  SECRET_UNREADABLE: { status: 500, hint: 'The key that sealed this secret is missing: restore ENVOI_SECRET_KEY (or the data directory key file), or enter the secret again.' },
  STORAGE_UNAVAILABLE: { status: 503, hint: 'Try again in a few seconds (see Retry-After). An operator should free disk space on the data directory or bring the database back; nothing is lost meanwhile.' },
  NOT_READY: { status: 503, hint: 'Run `envoi migrate` (or start this version of Envoi once, which migrates at start), then ask again.' },
  INTERNAL: { status: 500, hint: 'Try again; if it keeps failing, the server log has the details.' },
} as const satisfies Record<string, { status: number; hint: string }>);

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One entry of `details`: which field, and what is wrong with it. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export interface EnvoiErrorOptions {
  hint?: string;
  details?: ErrorDetail[];
  cause?: unknown;
  /** Extra machine-readable facts for the response (e.g. the template's line and column). */
  extra?: Record<string, unknown>;
  /** Seconds after which the request may succeed (sent as the Retry-After header). */
  retryAfterS?: number;
}

/** The one error class Envoi throws: a stable code, a message, a hint, details and the cause. */
export class EnvoiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string;
  readonly details: ErrorDetail[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, options: EnvoiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnvoiError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.hint = options.hint ?? ERROR_CATALOGUE[code].hint;
    this.details = options.details;
    this.extra = options.extra;
    this.retryAfterS = options.retryAfterS;
  }

  /** The `error` object of the HTTP body of design.md. */
  toBody(): { code: ErrorCode; message: string; hint: string; details?: ErrorDetail[] } & Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      ...(this.details ? { details: this.details } : {}),
      ...(this.extra ?? {}),
    };
  }
}
