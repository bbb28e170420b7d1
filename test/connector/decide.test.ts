import { expect } from 'chai';
import { decide, UNHEALTHY_RECHECK_MS, type DecideClaimed, type Outcome } from '../../connector/delivery/decide.js';
import { failure, type FailureCode } from '../../connector/failures.js';

const NOW = 1_000_000;
const config = { retryBaseMs: 1000, unknownRetries: 1 };
const claimed = (over: Partial<DecideClaimed> = {}): DecideClaimed => ({
  attempts: 1,
  maxAttempts: 5,
  accepted: [],
  rejected: [],
  envelope: { from: 'robot@envoi.test', to: ['a@customer.test', 'b@customer.test'] },
  unknownAttempts: 0,
  ...over,
});
const sent = (over: Partial<Extract<Outcome, { kind: 'sent' }>> = {}): Outcome => ({ kind: 'sent', accepted: ['a@customer.test', 'b@customer.test'], rejected: [], deferred: [], response: '250 2.0.0 queued as 42', responseCode: 250, ...over });
/** A failure made by the catalogue's factory, as a reader would make it. */
const error = (code: FailureCode, transient: boolean, extra: { unknown?: boolean; responseCode?: number; reply?: string; retryAfterMs?: number } = {}): Outcome => ({
  kind: 'error',
  failure: failure(code, `${code} happened`, { hint: `fix ${code}`, transient, outcomeUnknown: extra.unknown, responseCode: extra.responseCode, reply: extra.reply, retryAfterMs: extra.retryAfterMs }),
});
/** A failure with the catalogue's own stage, transience and fault, as most readers make it. */
const made = (code: FailureCode, details: Parameters<typeof failure>[2] = {}): Outcome => ({ kind: 'error', failure: failure(code, `${code} happened`, details) });

interface Row {
  name: string;
  outcome: Outcome;
  claimed?: Partial<DecideClaimed>;
  unknownRetries?: number;
  attempt: string;
  next: string;
  tally: string;
  unhealthy?: boolean;
  check?: (d: ReturnType<typeof decide>) => void;
}

const TABLE: Row[] = [
  { name: 'sent to everyone', outcome: sent(), attempt: 'sent', next: 'sent', tally: 'sent', check: (d) => expect(d.attempt).to.include({ responseCode: 250, stage: 'done' }) },
  {
    name: 'sent, one recipient deferred with attempts left: the deferred alone go again',
    outcome: sent({ accepted: ['a@customer.test'], deferred: ['b@customer.test'], deferredReply: '451 4.7.1 greylisted', deferredResponseCode: 451 }),
    attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => {
      expect(d.next).to.deep.include({ partial: { envelope: { from: 'robot@envoi.test', to: ['b@customer.test'] }, accepted: ['a@customer.test'], rejected: [] } });
      expect(d.attempt.responseCode).to.equal(451);
      expect(d.attempt).to.include({ code: 'RECIPIENT_DEFERRED', stage: 'send' });
      expect(d.attempt.hint).to.match(/greylisting/);
    },
  },
  {
    name: 'sent, one recipient deferred asking for a minute: the deferred go again after it',
    outcome: sent({ accepted: ['a@customer.test'], deferred: ['b@customer.test'], deferredReply: '450 4.7.1 greylisted, try again in 1 minute', deferredResponseCode: 450 }),
    attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => expect(d.next).to.include({ dueAt: NOW + 63_000 }),
  },
  {
    name: 'every recipient deferred (RECIPIENT_DEFERRED): retried after the time asked',
    outcome: made('RECIPIENT_DEFERRED', { responseCode: 451, reply: '451 4.7.1 Greylisted, try again in 10 seconds' }),
    attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => expect(d.next).to.include({ dueAt: NOW + 10_500 }),
  },
  {
    name: 'THROTTLED with a Retry-After: waits as asked, the connection stays healthy',
    outcome: made('THROTTLED', { responseCode: 429, retryAfterMs: 30_000 }),
    attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => expect(d.next).to.include({ dueAt: NOW + 31_500 }),
  },
  { name: 'THROTTLED on the last attempt: failed', outcome: made('THROTTLED', { responseCode: 421 }), claimed: { attempts: 5 }, attempt: 'failed', next: 'failed', tally: 'failed' },
  {
    name: 'a transient connection fault (refused): retried with backoff, the connection not marked',
    outcome: made('CONNECTION_REFUSED'), attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => expect(d.next).to.include({ dueAt: NOW + 1000 }),
  },
  { name: 'a transient API failure that is the connection\'s fault (Graph 503): retried', outcome: made('SERVER_ERROR', { connectionFault: true, responseCode: 503 }), attempt: 'retry', next: 'retrying', tally: 'retried' },
  { name: 'a permanent DNS failure: the connection is marked unhealthy and the mail waits', outcome: made('DNS_LOOKUP_FAILED'), attempt: 'retry', next: 'waiting', tally: 'deferred', unhealthy: true },
  { name: 'an unreadable secret: the connection is marked unhealthy and the mail waits', outcome: made('SECRET_UNREADABLE'), attempt: 'retry', next: 'waiting', tally: 'deferred', unhealthy: true },
  { name: 'a host the policy refuses: failed at once, the connection not marked', outcome: made('HOST_NOT_ALLOWED'), attempt: 'failed', next: 'failed', tally: 'failed' },
  { name: 'a refused sender with a 4xx (override): retried', outcome: made('SENDER_REJECTED', { transient: true, responseCode: 451 }), attempt: 'retry', next: 'retrying', tally: 'retried' },
  { name: 'a refused sender with a 5xx: failed at once', outcome: made('SENDER_REJECTED', { responseCode: 553 }), attempt: 'failed', next: 'failed', tally: 'failed' },
  { name: 'a message too large: failed at once', outcome: made('MESSAGE_TOO_LARGE', { responseCode: 552 }), attempt: 'failed', next: 'failed', tally: 'failed' },
  {
    name: 'sent, still deferred on the last attempt: sent, the deferred listed as rejected',
    outcome: sent({ accepted: ['a@customer.test'], deferred: ['b@customer.test'] }), claimed: { attempts: 5 },
    attempt: 'sent', next: 'sent', tally: 'sent',
    check: (d) => expect(d.next).to.deep.include({ rejected: ['b@customer.test'] }),
  },
  {
    name: 'transient failure with attempts left: retrying, later',
    outcome: error('SERVER_ERROR', true, { responseCode: 451 }),
    attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => expect(d.next.status === 'retrying' && d.next.dueAt).to.be.above(NOW),
  },
  { name: 'transient failure on the last attempt: failed', outcome: error('SERVER_ERROR', true), claimed: { attempts: 5 }, attempt: 'failed', next: 'failed', tally: 'failed' },
  { name: 'permanent failure: failed at once', outcome: error('RECIPIENT_REJECTED', false, { responseCode: 550 }), attempt: 'failed', next: 'failed', tally: 'failed', check: (d) => expect(d.attempt.hint).to.equal('fix RECIPIENT_REJECTED') },
  {
    name: 'permanent failure after earlier partial delivery: sent, the rest rejected',
    outcome: error('RECIPIENT_REJECTED', false), claimed: { accepted: ['a@customer.test'], envelope: { from: 'robot@envoi.test', to: ['b@customer.test'] } },
    attempt: 'failed', next: 'sent', tally: 'sent',
    check: (d) => expect(d.next).to.deep.include({ accepted: ['a@customer.test'], rejected: ['b@customer.test'] }),
  },
  {
    name: 'connection fault: the connection is marked unhealthy and the mail waits',
    outcome: error('AUTH_FAILED', false, { responseCode: 535 }),
    attempt: 'retry', next: 'waiting', tally: 'deferred', unhealthy: true,
    check: (d) => {
      expect(d.next).to.deep.include({ dueAt: NOW + UNHEALTHY_RECHECK_MS });
      expect(d.next.status === 'waiting' && d.next.reason).to.include({ code: 'CONNECTION_UNHEALTHY', stage: 'auth' });
    },
  },
  { name: 'connection fault of a single-attempt mail (a test mail): failed', outcome: error('TLS_FAILED', false), claimed: { maxAttempts: 1 }, attempt: 'failed', next: 'failed', tally: 'failed' },
  { name: 'unknown outcome with a retry left: retried (same message)', outcome: error('OUTCOME_UNKNOWN', true, { unknown: true }), attempt: 'unknown', next: 'retrying', tally: 'unknown' },
  { name: 'unknown outcome with its retry used: status unknown', outcome: error('OUTCOME_UNKNOWN', true, { unknown: true }), claimed: { unknownAttempts: 1 }, attempt: 'unknown', next: 'unknown', tally: 'unknown' },
  { name: 'unknown outcome with ENVOI_UNKNOWN_RETRIES=0: status unknown at once', outcome: error('OUTCOME_UNKNOWN', true, { unknown: true }), unknownRetries: 0, attempt: 'unknown', next: 'unknown', tally: 'unknown' },
  { name: 'unknown outcome on the last attempt: status unknown, not failed', outcome: error('OUTCOME_UNKNOWN', true, { unknown: true }), claimed: { attempts: 5 }, attempt: 'unknown', next: 'unknown', tally: 'unknown' },
  { name: 'unknown outcome with two retries allowed and one used: retried', outcome: error('OUTCOME_UNKNOWN', true, { unknown: true }), claimed: { unknownAttempts: 1 }, unknownRetries: 2, attempt: 'unknown', next: 'retrying', tally: 'unknown' },
  {
    name: 'released at shutdown: queued again now, the attempt given back',
    outcome: { kind: 'released', message: 'Released at shutdown before the message was handed to the server' },
    attempt: 'released', next: 'queued', tally: 'released',
    check: (d) => expect(d.next).to.deep.equal({ status: 'queued', dueAt: NOW }),
  },
];

const A = { id: 'conn-a', name: 'Primary' };
const B = { id: 'conn-b', name: 'Fallback' };
/** The attempt went through the primary (index 0) of a chain whose next healthy connection is B, or through the last one. */
const viaPrimary = { route: { index: 0, connection: A, next: { index: 1, connection: B } } };
const viaLast = { route: { index: 1, connection: B } };

const FAILOVER: Row[] = [
  ...(['CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'DNS_LOOKUP_FAILED', 'TLS_FAILED', 'STARTTLS_UNAVAILABLE', 'AUTH_FAILED', 'OAUTH_FAILED', 'PERMISSION_MISSING'] as const).map((code): Row => ({
    name: `${code} with a fallback: the next attempt goes at once through it`,
    outcome: made(code), claimed: viaPrimary, attempt: 'retry', next: 'retrying', tally: 'retried', unhealthy: !failure(code, '').transient,
    check: (d) => {
      expect(d.next).to.include({ dueAt: NOW, routeIndex: 1 });
      expect(d.failover).to.deep.equal({ from: A, to: B });
      expect(d.attempt.connection).to.deep.equal(A);
    },
  })),
  {
    name: 'an API\'s 5xx (SERVER_ERROR, the connection\'s fault) with a fallback: fails over at once',
    outcome: made('SERVER_ERROR', { connectionFault: true, responseCode: 503 }), claimed: viaPrimary, attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => expect(d.failover).to.deep.equal({ from: A, to: B }),
  },
  ...(['RECIPIENT_REJECTED', 'MESSAGE_REJECTED', 'MESSAGE_TOO_LARGE', 'SENDER_REJECTED'] as const).map((code): Row => ({
    name: `${code} with a fallback: never fails over, failed at once`,
    outcome: made(code, { responseCode: 550 }), claimed: viaPrimary, attempt: 'failed', next: 'failed', tally: 'failed',
    check: (d) => expect(d.failover).to.equal(undefined),
  })),
  {
    name: 'THROTTLED with a fallback: waits as asked, never spills over',
    outcome: made('THROTTLED', { responseCode: 421, retryAfterMs: 30_000 }), claimed: viaPrimary, attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => {
      expect(d.failover).to.equal(undefined);
      expect(d.next).to.include({ dueAt: NOW + 31_500 });
      expect(d.next).to.not.have.property('routeIndex');
    },
  },
  {
    name: 'an unknown outcome with a fallback: never fails over (the server may have the mail)',
    outcome: error('OUTCOME_UNKNOWN', true, { unknown: true }), claimed: viaPrimary, attempt: 'unknown', next: 'retrying', tally: 'unknown',
    check: (d) => expect(d.failover).to.equal(undefined),
  },
  {
    name: 'a transient fault on the last connection of the chain: the schedule goes on from the primary',
    outcome: made('CONNECTION_REFUSED'), claimed: viaLast, attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => {
      expect(d.failover).to.equal(undefined);
      expect(d.next).to.include({ dueAt: NOW + 1000, routeIndex: 0 });
      expect(d.attempt.connection).to.deep.equal(B);
    },
  },
  {
    name: 'a permanent fault on the last connection: marked unhealthy, the mail waits and starts again from the primary',
    outcome: made('AUTH_FAILED', { responseCode: 535 }), claimed: viaLast, attempt: 'retry', next: 'waiting', tally: 'deferred', unhealthy: true,
    check: (d) => expect(d.next).to.include({ routeIndex: 0 }),
  },
  {
    name: 'a connection fault on the last attempt allowed: no failover, the usual end',
    outcome: made('CONNECTION_REFUSED'), claimed: { ...viaPrimary, attempts: 5 }, attempt: 'failed', next: 'failed', tally: 'failed',
    check: (d) => expect(d.failover).to.equal(undefined),
  },
  {
    name: 'sent through the fallback: the attempt names it',
    outcome: sent(), claimed: viaLast, attempt: 'sent', next: 'sent', tally: 'sent',
    check: (d) => expect(d.attempt.connection).to.deep.equal(B),
  },
  {
    name: 'no fallback (no route given): today\'s behaviour, the connection is not named',
    outcome: made('CONNECTION_REFUSED'), attempt: 'retry', next: 'retrying', tally: 'retried',
    check: (d) => {
      expect(d.failover).to.equal(undefined);
      expect(d.next).to.not.have.property('routeIndex');
      expect(d.attempt.connection).to.equal(null);
    },
  },
];

describe('decide: the worker\'s decision after an attempt', () => {
  for (const row of [...TABLE, ...FAILOVER]) {
    it(row.name, () => {
      const d = decide(row.outcome, claimed(row.claimed), { ...config, unknownRetries: row.unknownRetries ?? config.unknownRetries }, NOW, () => 0.5);
      expect(d.attempt.outcome, 'attempt outcome').to.equal(row.attempt);
      expect(d.next.status, 'next status').to.equal(row.next);
      expect(d.tally, 'tally').to.equal(row.tally);
      expect(!!d.unhealthy, 'marks the connection unhealthy').to.equal(!!row.unhealthy);
      if (row.outcome.kind === 'error') {
        expect(d.attempt.code).to.equal(row.outcome.failure.code);
        expect(d.attempt.stage, 'the stage is recorded with the failure').to.equal(row.outcome.failure.stage);
      }
      row.check?.(d);
    });
  }
});
