import type { Config } from '../../connector/config.js';
import { onBackend } from '../support/backend-suite.js';
import { type Backend, smtpConnection, type TestEnvoi } from '../support/harness.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { pollFor } from '../support/wait.js';

/**
 * The hooks and helpers of a delivery suite on `backend`: a fast-polling, fast-retrying TestEnvoi
 * and a platform runtime key (both handed to `started`), plain sinks, and short ways to connect,
 * execute send-email and follow a delivery. `overrides` adds to the suite's configuration.
 */
export function deliverySuite(backend: Backend, started: (s: { envoi: TestEnvoi; runtime: string }) => void = () => {}, overrides: Partial<Config> = {}) {
  let envoi: TestEnvoi;
  let runtime: string;
  const { sink } = onBackend(backend, { overrides: { retryBaseMs: 100, pollMs: 50, maxAttempts: 5, leaseMs: 5000, ...overrides }, sinkDefaults: { tls: 'none' } }, async (e) => {
    envoi = e;
    runtime = await envoi.key('runtime', 'platform');
    started({ envoi, runtime });
  });

  /** A connection in `scope` to a sink; returns its id. */
  const connect = async (scope: string, s: SmtpSink, extra: Record<string, unknown> = {}) => {
    const r = await envoi.api('POST', `/api/v1/scopes/${scope}/connections`, smtpConnection(s, { authMethod: 'NONE', ...extra }));
    if (r.status !== 201) throw new Error(r.text);
    return r.body.id as string;
  };
  const execute = (scope: string, input: Record<string, unknown>, opts: { wait?: number; idempotencyKey?: string; key?: string } = {}) =>
    envoi.api('POST', `/api/v1/scopes/${scope}/actions/send-email/execute${opts.wait ? `?wait=${opts.wait}` : ''}`, { input, ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}) }, { key: opts.key ?? runtime });
  const delivery = async (scope: string, id: string) => (await envoi.api('GET', `/api/v1/scopes/${scope}/deliveries/${id}`, undefined, { key: runtime })).body;
  /** Polls a delivery until it reaches one of `statuses`. */
  const until = (scope: string, id: string, statuses: string[], ms = 15_000) =>
    pollFor(() => delivery(scope, id), (d) => statuses.includes(d.status), (d) => `delivery ${id} is still ${d.status}: ${JSON.stringify(d)}`, ms);
  const mail = (to: string | string[], subject = 'Hello') => ({ to, subject, text: `Body of ${subject}` });

  return { sink, connect, execute, delivery, until, mail };
}
