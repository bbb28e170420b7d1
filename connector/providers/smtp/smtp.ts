import { Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer';
import type { Config } from '../../config.js';
import { envelopeSender } from './bounces/verp.js';
import { classifySmtpError, smtpReplyCode } from './classify-smtp.js';
import type { ResolvedConnection } from '../../connections.js';
import type { Logger } from '../../log.js';
import { resolveAndVet } from '../../network-policy.js';
import { SendFailure, type SendInfo, type StageListener, type TestResult } from '../results.js';
import type { RawMessage } from '../provider.js';
import { HandOverGate, SendReleased } from '../send-control.js';
import type { SmtpReach } from './smtp-host.js';
import { testSmtpConnection } from './smtp-test.js';
import { GATE, SmtpTransports } from './smtp-transports.js';
import { effectiveUser } from './user.js';
import { exchangeAuthFailure, isXoauth2, SmtpOAuth } from './xoauth2.js';

// Callers (the mailer, the delivery worker) import what a send and a test report from here.
export { SendFailure, type RawMessage, type SendInfo, type TestResult };

/** Bytes per chunk of a message handed to nodemailer. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The message as a stream of chunks. Given as one string, it would travel as one chunk and sit
 * whole in the socket's buffer at once, so the gate would count it handed over while most of it,
 * and its final dot, had not left the process; in chunks, the socket's backpressure reaches the gate.
 */
function chunked(raw: string): Readable {
  const bytes = Buffer.from(raw, 'utf8');
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
    })(),
    { objectMode: false },
  );
}

export interface SmtpProviderOptions extends SmtpReach {
  config: Pick<Config, 'smtpTimeouts' | 'msAuthorityUrl'>;
  logger: Logger;
}

/**
 * SMTP through nodemailer: one pooled transport per connection (cached by id and version,
 * closed on change), and a staged connection test that reports the last step reached.
 */
export class SmtpProvider {
  private readonly transports: SmtpTransports;
  private readonly oauth: SmtpOAuth;
  constructor(private readonly opts: SmtpProviderOptions) {
    this.oauth = new SmtpOAuth(opts.config, opts.logger);
    this.transports = new SmtpTransports(opts, this.oauth);
  }

  /** Resolves and vets the host now; throws HOST_NOT_ALLOWED (resolution failures are left to the send). */
  async preflight(conn: { settings: { host?: string } }): Promise<void> {
    await resolveAndVet(conn.settings.host!, this.opts.policy, { lookup: this.opts.lookup, timeoutMs: this.opts.config.smtpTimeouts.dns });
  }

  /** Closes and forgets the pooled transport of a connection (after an edit or a delete). */
  evict(connectionId: string): void {
    this.transports.evict(connectionId);
  }

  /** Closes every pooled transport and forgets the XOAUTH2 tokens. */
  closeAll(): void {
    this.transports.closeAll();
    this.oauth.clear();
  }

  /**
   * Sends one message through the connection's pool; throws SendFailure with a classified failure
   * (OUTCOME_UNKNOWN when the connection failed after the final dot), or SendReleased when
   * `control` gave the send up before anything could be delivered.
   */
  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    if (!isXoauth2(conn)) return this.sendOnce(conn, message);
    // The token is fetched first, so a sign-in failure is reported as itself (OAUTH_FAILED).
    await this.oauth.token(conn, false, message.deliveryId);
    try {
      return await this.sendOnce(conn, message);
    } catch (err) {
      if (!(err instanceof SendFailure) || err.failure.code !== 'AUTH_FAILED' || err.failure.transient) throw err;
      // Exchange answers a revoked or stale token with 535 like any refusal: renew the token
      // once, on a new connection, before calling the refusal the Exchange side's.
      this.evict(conn.id);
      await this.oauth.token(conn, true, message.deliveryId);
      try {
        return await this.sendOnce(conn, message);
      } catch (again) {
        if (!(again instanceof SendFailure)) throw again;
        throw new SendFailure(exchangeAuthFailure(again.failure, `${conn.settings.host}:${conn.settings.port}`, effectiveUser(conn.settings)!));
      }
    }
  }

  private async sendOnce(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    const s = conn.settings;
    const { control } = message;
    if (control?.release.aborted) throw new SendReleased('before-data');
    const t = await this.transports.get(conn);
    const gate = new HandOverGate();
    // Aborting tells nodemailer's pool to drop the queued message or close the connection carrying
    // it; only done while the final dot has not been written.
    const abort = new AbortController();
    t.users++;
    const detach: Array<() => void> = [];
    try {
      const sending = t.transporter.sendMail({ envelope: { ...message.envelope, from: envelopeSender(s, message.envelope.from, message.deliveryId) }, raw: chunked(message.raw), signal: abort.signal, [GATE]: gate } as Mail.Options);
      const stopped = new Promise<never>((_, reject) => {
        const on = (signal: AbortSignal | undefined, handler: () => void) => {
          if (!signal) return;
          if (signal.aborted) return handler();
          signal.addEventListener('abort', handler, { once: true });
          detach.push(() => signal.removeEventListener('abort', handler));
        };
        const giveUp = () => {
          const when = gate.state === 'waiting' ? 'before-data' : 'before-end';
          if (!gate.release()) return false;
          // Settled first, so the race reports the release and not nodemailer's abort error.
          reject(new SendReleased(when));
          abort.abort(new SendReleased(when));
          return true;
        };
        // Not yet at DATA: nothing reached the server, so it is released at once.
        on(control?.release, () => void (gate.state === 'waiting' && giveUp()));
        on(control?.deadline, () => {
          if (giveUp()) return;
          reject(new SendFailure(classifySmtpError(Object.assign(new Error('stopped waiting for the reply at shutdown'), { code: 'ETIMEDOUT' }), { host: s.host!, port: s.port!, secure: !!s.secure, reached: 'send', handedOver: true })));
        });
      });
      stopped.catch(() => {});
      sending.catch(() => {});
      const info = (await Promise.race([sending, stopped])) as {
        messageId: string;
        accepted: Array<string | { address: string }>;
        rejected: Array<string | { address: string }>;
        rejectedErrors?: Array<{ recipient?: string; responseCode?: number; response?: string }>;
        response: string;
      };
      const flat = (list: Array<string | { address: string }>) => list.map((a) => (typeof a === 'string' ? a : a.address));
      // nodemailer reports each refused recipient with the server's reply; a 4xx one is only deferred.
      const deferredErrors = (info.rejectedErrors ?? []).filter((e) => e.recipient && e.responseCode && e.responseCode >= 400 && e.responseCode < 500);
      const deferred = deferredErrors.map((e) => e.recipient!);
      return {
        messageId: info.messageId,
        accepted: flat(info.accepted ?? []),
        rejected: flat(info.rejected ?? []).filter((a) => !deferred.includes(a)),
        deferred,
        ...(deferredErrors[0]?.response ? { deferredReply: deferredErrors[0].response, deferredResponseCode: deferredErrors[0].responseCode! } : {}),
        response: info.response,
        responseCode: smtpReplyCode(info.response) ?? 250,
      };
    } catch (err) {
      if (err instanceof SendReleased || err instanceof SendFailure) throw err;
      if (gate.state === 'released') throw new SendReleased('before-end');
      const failure = classifySmtpError(err, { host: s.host!, port: s.port!, secure: !!s.secure, reached: 'send', secrets: Object.values(conn.secrets), handedOver: gate.handedOver });
      // A connection-level failure may mean the address moved or the pool is wedged: start afresh next time.
      if (failure.stage !== 'send') this.evict(conn.id);
      this.opts.logger.warn('smtp send failed', { deliveryId: message.deliveryId, connectionId: conn.id, code: failure.code, stage: failure.stage, responseCode: failure.responseCode });
      throw new SendFailure(failure);
    } finally {
      for (const d of detach) d();
      if (--t.users === 0 && t.detached) t.transporter.close();
    }
  }

  /**
   * Tests a connection step by step: dns → connect → tls → auth → done (see testSmtpConnection).
   */
  test(conn: ResolvedConnection, onStage?: StageListener): Promise<TestResult> {
    return testSmtpConnection(conn, this.opts, this.oauth, onStage);
  }
}
