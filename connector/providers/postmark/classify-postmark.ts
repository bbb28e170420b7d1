/**
 * Postmark's failed answers read onto the failure catalogue. Postmark answers 401 for a wrong or
 * missing token, 429 when it rate-limits, 5xx when it fails, and 422 with `{ErrorCode, Message}`
 * for everything else; the ErrorCode decides (the table of
 * https://postmarkapp.com/developer/api/overview#error-codes).
 */
import { failure, scrub, type Failure } from '../../failures.js';
import { classifyApiAnswer, type ApiAnswer } from '../http/classify-http.js';

export const POSTMARK_HINTS = {
  auth: 'In Postmark, Servers → your server → API Tokens: copy the Server API token (not the Account token) and save it here.',
  permission: 'In Postmark, check the account: it may send only once it is approved, in good standing and has credits (Account → Billing).',
  throttled: 'Nothing to do: Postmark asked Envoi to slow down, and the mail is retried.',
  server: 'Nothing to do: the mail is retried when Postmark recovers (status.postmarkapp.com).',
  rejected: 'Read Postmark\'s words: they say what is wrong with the message.',
} satisfies ApiAnswer['hints'];

/** Postmark's error body. */
export interface PostmarkError {
  ErrorCode?: number;
  Message?: string;
}

/** The hint for a sender Postmark does not know, or knows unconfirmed (ErrorCodes 400 and 401). */
const senderHint = (sender: string) =>
  `In Postmark, Sender Signatures: add ${sender} (or verify its domain under Domains) and confirm it from the email Postmark sends, then send again.`;

/** Reads a failed Postmark answer; `stage` is `auth` for the connection test, `send` for a send. */
export function classifyPostmark(status: number, body: unknown, retryAfter: string | null, ctx: { stage: 'auth' | 'send'; sender: string; token: string }): Failure {
  const e = (body && typeof body === 'object' ? body : {}) as PostmarkError;
  const code = typeof e.ErrorCode === 'number' ? e.ErrorCode : undefined;
  const said = scrub((e.Message ?? '').trim().slice(0, 500), [ctx.token]);
  const answer: ApiAnswer = { provider: 'Postmark', status, said, errorCode: code !== undefined ? `ErrorCode ${code}` : undefined, retryAfter, stage: ctx.stage, hints: POSTMARK_HINTS, secrets: [ctx.token] };
  const base = { responseCode: status, reply: `HTTP ${status}${code !== undefined ? ` ErrorCode ${code}` : ''}${said ? `: ${said}` : ''}` };
  if (status === 401 || code === 10) return classifyApiAnswer(answer, 'AUTH_FAILED');
  if (status === 429 || status >= 500) return classifyApiAnswer(answer);
  switch (code) {
    case 400:
    case 401:
      return failure('SENDER_REJECTED', `Postmark refused the sender ${ctx.sender} (ErrorCode ${code}): ${said}`, { ...base, hint: senderHint(ctx.sender) });
    case 406:
      return failure('RECIPIENT_REJECTED', `Postmark refused an inactive recipient (ErrorCode 406): ${said}`, {
        ...base, hint: 'Postmark suppresses addresses that hard-bounced or complained. If the address is good again, reactivate it in Postmark → your server → the message stream → Suppressions.',
      });
    case 405:
    case 413:
      // The account may not send at all (out of credits, or held): every mail through it fails alike.
      return classifyApiAnswer({ ...answer, hints: { ...POSTMARK_HINTS, permission: 'In Postmark, Account → Billing: add credits or upgrade the plan; if the account was held, contact Postmark support.' } }, 'PERMISSION_MISSING');
    case 412:
      // A pending account sends only to the sender's own domain until Postmark approves it.
      return classifyApiAnswer({ ...answer, hints: { ...POSTMARK_HINTS, permission: 'Your Postmark account is still pending approval: until then it sends only to addresses at the sender\'s own domain. Request approval in Postmark (Account → Request approval); this mail is not retried.' } }, 'PERMISSION_MISSING');
    case 100:
      return classifyApiAnswer(answer, 'SERVER_ERROR');
    case 411:
      return classifyApiAnswer({ ...answer, hints: { ...POSTMARK_HINTS, rejected: 'Postmark refuses some file types (executables, scripts): zip the file or share it by link.' } }, 'MESSAGE_REJECTED');
    default:
      return classifyApiAnswer(answer, 'MESSAGE_REJECTED');
  }
}
