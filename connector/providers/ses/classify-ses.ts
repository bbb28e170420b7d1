/**
 * Where Amazon SES's failures are read. The SDK (@aws-sdk/client-sesv2) reads SES's REST-JSON error
 * (the `x-amzn-ErrorType` header, else the body's `code` or `__type`) into `err.name`, the HTTP
 * status into `err.$metadata.httpStatusCode`, and keeps the raw answer in `err.$response`; an error
 * without a status never reached SES or lost its answer (Node's socket code, TimeoutError,
 * AbortError). The status mapping is the shared one (../http/classify-http.ts); SES's error type
 * decides where the status alone would mislead (SES answers most of its errors with 400).
 */
import { failure, scrub, type Failure, type FailureCode } from '../../failures.js';
import { classifyApiAnswer, classifyFetchError } from '../http/classify-http.js';

/** What the SDK puts on a failed call (a ServiceException, or the socket error it passed on). */
export interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** SES's error types, by what they mean (API reference "Common Errors" and SendEmail's "Errors"). */
const BY_TYPE: Record<string, FailureCode | 'PAUSED'> = {
  InvalidClientTokenId: 'AUTH_FAILED',
  UnrecognizedClientException: 'AUTH_FAILED',
  SignatureDoesNotMatch: 'AUTH_FAILED',
  InvalidSignatureException: 'AUTH_FAILED',
  IncompleteSignature: 'AUTH_FAILED',
  MissingAuthenticationToken: 'AUTH_FAILED',
  MissingAuthenticationTokenException: 'AUTH_FAILED',
  AccessDeniedException: 'PERMISSION_MISSING',
  AccessDenied: 'PERMISSION_MISSING',
  MessageRejected: 'MESSAGE_REJECTED',
  BadRequestException: 'MESSAGE_REJECTED',
  MailFromDomainNotVerifiedException: 'SENDER_REJECTED',
  NotFoundException: 'SENDER_REJECTED',
  SendingPausedException: 'PAUSED',
  AccountSuspendedException: 'PAUSED',
  TooManyRequestsException: 'THROTTLED',
  LimitExceededException: 'THROTTLED',
  Throttling: 'THROTTLED',
  ThrottlingException: 'THROTTLED',
};

const IDENTITIES = 'In the Amazon SES console, Configuration → Identities';

/** Hints naming the AWS console, for a connection in `region`. */
export function sesHints(region: string) {
  return {
    auth: 'In the AWS console, IAM → Users → Security credentials: check the access key id and secret (the secret is shown only once, when the key is created) and that the key is active.',
    permission: 'In the AWS console, IAM → Users → Permissions: allow ses:SendRawEmail, ses:SendEmail and ses:GetAccount (e.g. in an inline policy) for this region\'s identities.',
    throttled: `Nothing to do: the mail is retried when SES allows it. SES limits messages per second and per 24 hours (sandbox: 1 a second, 200 a day); lower this connection's rate limit, or request a higher quota in the Amazon SES console (${region}), Account dashboard.`,
    rejected: `Read SES's reply. While the account is in the sandbox, the sender and every recipient must be verified (${IDENTITIES}, region ${region}).`,
    sender: `${IDENTITIES} (region ${region}): verify the sender's address or domain, and its custom MAIL FROM domain if it has one; check the configuration set name if the connection names one.`,
    paused: `In the Amazon SES console (${region}), Account dashboard and Reputation metrics: SES has paused sending for this account or configuration set; resolve the review with AWS, resume sending, then test the connection.`,
  };
}

/**
 * No answer from SES: the request failed on the way, or its answer was lost. The shared reader
 * takes fetch's shape (the socket code as `cause.code`).
 */
function unanswered(e: SdkError, stage: 'auth' | 'send', region: string): Failure {
  const target = { service: `Amazon SES (${region})`, owner: 'Amazon SES' };
  // The SDK's connection timeout has no code of its own, only its words; nothing was sent yet.
  if (e.name === 'TimeoutError' && !e.code && /did not establish a connection/.test(e.message ?? '')) {
    return failure('CONNECTION_TIMEOUT', 'Amazon SES could not be reached (timed out connecting)', { stage, hint: `Check that this server can reach ${target.service} (firewall, proxy); the mail is retried.` });
  }
  const f = classifyFetchError(stage, 'Amazon SES', { name: e.name, message: e.message, cause: { code: e.code } }, target);
  if (f.code !== 'OUTCOME_UNKNOWN') return f;
  // SES replaces the Message-ID with its own ("Amazon SES header fields"), so a second copy is
  // not recognisable by it, unlike the shared hint says.
  return failure('OUTCOME_UNKNOWN', f.message, {
    outcomeUnknown: true,
    hint: 'Amazon SES may have accepted the mail. SES gives every message its own Message-ID, so if it is sent again the recipients may get two copies; the SES console\'s sending statistics (or its event publishing) show whether it went out.',
  });
}

/** Reads a failed SDK call to SES at `stage` (`auth`: the connection test, `send`: SendEmail). */
export function classifySesError(err: unknown, stage: 'auth' | 'send', region: string, secrets: string[]): Failure {
  const e = err as SdkError;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return unanswered(e, stage, region);
  const type = e.name && e.name !== 'Error' && !/^Unknown/.test(e.name) ? e.name : undefined;
  const hints = sesHints(region);
  const answer = {
    provider: 'Amazon SES', status, stage, secrets,
    said: e.message, errorCode: type,
    retryAfter: e.$response?.headers?.['retry-after'] ?? null,
    hints,
  };
  const decided = type ? BY_TYPE[type] : undefined;
  if (decided === 'PAUSED') {
    // Every mail through this account (or configuration set) fails alike until AWS resumes it:
    // a connection fault that no retry cures. The catalogue has no code of its own for a paused
    // account; the credential works but may not send, which is what PERMISSION_MISSING says.
    const said = e.message ? `: ${scrub(e.message.trim().slice(0, 500), secrets)}` : '';
    return failure('PERMISSION_MISSING', `Amazon SES sending is paused for this account (${status} ${type})${said}`, {
      stage: stage === 'auth' ? 'auth' : 'send', transient: false, connectionFault: true,
      responseCode: status, reply: `HTTP ${status} ${type}${said}`, hint: hints.paused,
    });
  }
  if (decided === 'SENDER_REJECTED') {
    const said = e.message ? `: ${scrub(e.message.trim().slice(0, 500), secrets)}` : '';
    return failure('SENDER_REJECTED', `Amazon SES refused the sender (${status} ${type})${said}`, { responseCode: status, reply: `HTTP ${status} ${type}${said}`, hint: hints.sender });
  }
  // A 5xx is the service's fault whatever its type says.
  const code = status >= 500 ? undefined : decided;
  return code ? classifyApiAnswer(answer, code) : classifyApiAnswer(answer);
}
