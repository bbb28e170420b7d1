import type { FailureCode, Stage } from '../failures.js';

/**
 * What a connection test and a test mail say to an admin, in one language: a sentence per failure
 * code (what happened, in plain words: the server's own words stay in `reply` and `detail`), the
 * catalogue's hint per code, and the words of a test that passed. A language missing a code fails
 * to compile (Record over every FailureCode).
 */
export interface TestWords {
  /** The name of each stage, for the sentences that say where a test stopped. */
  stages: Record<Stage, string>;
  /** What happened, per code; `{stage}` is replaced by the stage's name. */
  messages: Record<FailureCode, string>;
  /** What to do next, per code (the catalogue's hints, connector/failures.ts, in this language). */
  hints: Record<FailureCode, string>;
  /** A code outside the catalogue (a provider's own): `{stage}` and `{code}` are replaced. */
  other: string;
  ok: {
    /** A connection test that passed. */
    test: string;
    /** A test mail the server accepted. */
    email: string;
    /** A test mail sandbox mode captured, and what to do. */
    captured: string;
    capturedHint: string;
    /** A test mail no worker tried within a minute, and what to do. */
    queued: string;
    queuedHint: string;
  };
}
