/** What a provider's connection test and send report (shared by SMTP and Microsoft 365). */
import type { Failure, Stage } from '../failures.js';

/** The result of a connection test (design.md: 200 `{ok, stage, code?, message, hint?, durationMs}`). */
export interface TestResult {
  ok: boolean;
  stage: Stage;
  code?: string;
  message: string;
  hint?: string;
  durationMs: number;
  /** What the server showed: whether TLS was used and which AUTH methods it offered. */
  server?: { address: string; tls: boolean; authMethods: string[] };
  responseCode?: number;
  reply?: string;
  /** The technical text behind `message` (e.g. OpenSSL's words for a TLS failure), for who wants it. */
  detail?: string;
  /** What saves and works but deserves a look (a pending domain, an account still in a sandbox). */
  warnings?: Array<{ code: string; message: string; hint?: string }>;
  /** What the provider said about the account (e.g. SES `{sandbox, quota}`), shown as is. */
  details?: Record<string, unknown>;
}

/**
 * Told each stage of a connection test as it starts (dns, connect, tls, auth), so a caller can
 * show what is being tried while the test runs; the result still says where it ended.
 */
export type StageListener = (stage: Stage) => void;

/** What a successful send reports. */
export interface SendInfo {
  messageId: string;
  accepted: string[];
  /** Refused for good (a 5xx reply to RCPT TO). */
  rejected: string[];
  /** Refused for now (a 4xx reply to RCPT TO, e.g. greylisting): to be tried again alone. */
  deferred: string[];
  /** The server's reply to the first deferred recipient, and its reply code. */
  deferredReply?: string;
  deferredResponseCode?: number;
  /** The server's reply to the message (SMTP: to the final dot), and its code (SMTP reply code or HTTP status). */
  response: string;
  responseCode?: number;
  /** The id the provider gave the mail (design.md "Providers": SES MessageId, SendGrid X-Message-Id, …). */
  providerMessageId?: string;
}

export class SendFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'SendFailure';
  }
}
