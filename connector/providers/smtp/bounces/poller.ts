/**
 * The bounce poller (design.md "Bounces, complaints and suppression"): every ENVOI_BOUNCE_POLL_MS,
 * in the worker process, each SMTP connection with a bounce mailbox is visited once, one after
 * the other, each visit bounded in time. It never touches the mail path: its errors are logged
 * with the connection's id and the next poll tries again.
 */
import type { Knex } from 'knex';
import type { Config } from '../../../config.js';
import type { ConnectionService } from '../../../connections.js';
import type { Logger } from '../../../log.js';
import type { LookupAll, NetworkPolicy } from '../../../network-policy.js';
import type { StoredConnection } from '../../../store/connections.js';
import { visitMailbox } from './mailbox.js';
import { recordReport, type RecordDeps } from './record.js';
import { readReport } from './reports.js';

export interface BouncePollerOptions extends RecordDeps {
  knex: Knex;
  connections: Pick<ConnectionService, 'listByProvider' | 'withSecrets'>;
  config: Pick<Config, 'bouncePollMs' | 'smtpTimeouts'>;
  policy: NetworkPolicy;
  lookup?: LookupAll | undefined;
  logger: Logger;
}

export class BouncePoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  constructor(private readonly opts: BouncePollerOptions) {}

  start(): void {
    const tick = () => {
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
        if (!this.stopping.signal.aborted) this.timer = setTimeout(tick, this.opts.config.bouncePollMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.opts.config.bouncePollMs).unref();
  }

  /** Stops polling; a visit under way logs out (or is cut) at once. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Visits every bounce mailbox once; never throws. */
  async pollOnce(): Promise<void> {
    let list: StoredConnection[];
    try {
      list = (await this.opts.connections.listByProvider('smtp')).filter((c) => c.settings.bounceMailbox);
    } catch (err) {
      this.opts.logger.warn('bounce poll: could not list the connections', { err });
      return;
    }
    for (const c of list) {
      if (this.stopping.signal.aborted) return;
      await this.visit(c);
    }
  }

  private async visit(c: StoredConnection): Promise<void> {
    const { config, logger } = this.opts;
    // A visit may take a poll interval (at least 30 s, at most 5 min), then gives up till the next.
    const budget = Math.min(300_000, Math.max(30_000, config.bouncePollMs));
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(budget)]);
    try {
      const resolved = await this.opts.connections.withSecrets(c);
      const password = resolved.secrets.bounceMailboxPassword;
      if (!password) return logger.warn('bounce poll: the bounce mailbox has no password stored', { connectionId: c.id });
      const handled = await visitMailbox(
        { connectionId: c.id, mailbox: c.settings.bounceMailbox!, password, ca: c.settings.caCertificate, policy: this.opts.policy, lookup: this.opts.lookup, timeouts: config.smtpTimeouts, signal },
        this.opts.knex,
        async (raw, place) => {
          // A report that cannot be parsed would fail every poll: it is kept as unreadable and marked seen.
          const report = await readReport(raw).catch((err: unknown) => {
            logger.warn('bounce poll: a report could not be read', { connectionId: c.id, place, err });
            return null;
          });
          if (report === null) return 'unreadable';
          if (!report) return 'not-a-report';
          const outcome = await recordReport(report, { connectionId: c.id, scope: c.scope, place }, this.opts);
          if (outcome === 'unmatched') logger.info('bounce poll: a report names no delivery of this connection', { connectionId: c.id, kind: report.kind, place });
          return outcome;
        },
      );
      if (handled) logger.info('bounce poll: reports read', { connectionId: c.id, count: handled });
    } catch (err) {
      // Never the password: imapflow's errors name the server's reply, not what was sent.
      const e = err as Error & { code?: string; responseText?: string; authenticationFailed?: boolean };
      logger.warn('bounce poll failed', { connectionId: c.id, code: e.authenticationFailed ? 'AUTH_FAILED' : e.code, message: e.responseText ?? e.message });
    }
  }
}
