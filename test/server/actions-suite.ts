import { expect } from 'chai';
import { onBackend } from '../support/backend-suite.js';
import { type Backend, smtpConnection, type TestEnvoi } from '../support/harness.js';
import type { SmtpSink } from '../support/smtp-sink.js';

export const A = (scope: string, action: string, verb: string) => `/api/v1/scopes/${scope}/actions/${action}/${verb}`;

/**
 * The hooks and helpers of a workflow-actions suite on `backend`: a TestEnvoi whose platform
 * default 'Main' goes to a plain sink (both handed to `started`), `send` and `refused`.
 */
export function actionsSuite(backend: Backend, started: (s: { envoi: TestEnvoi; sink: SmtpSink }) => void = () => {}) {
  let envoi: TestEnvoi;
  let sink: SmtpSink;
  const suite = onBackend(backend, { overrides: { pollMs: 50 } }, async (e) => {
    envoi = e;
    sink = await suite.sink({ tls: 'none' });
    const r = await envoi.api('POST', '/api/v1/scopes/platform/connections', smtpConnection(sink, { name: 'Main', authMethod: 'NONE', isDefault: true, senderName: 'Acme' }));
    expect(r.status).to.equal(201);
    started({ envoi, sink });
  });

  /** Executes with ?wait and returns the mail the sink received for it. */
  const send = async (action: string, input: Record<string, unknown>, scope = 'platform') => {
    const r = await envoi.api('POST', `${A(scope, action, 'execute')}?wait=10`, { input });
    expect(r.status, r.text).to.equal(200);
    expect(r.body.status, r.text).to.equal('sent');
    const got = sink.received.find((m) => m.parsed.messageId === r.body.messageId);
    expect(got, 'mail not received').to.not.equal(undefined);
    return got!;
  };
  /** Expects a 400 and that nothing was queued or received. */
  const refused = async (input: Record<string, unknown>, path?: string) => {
    const before = sink.received.length;
    const queued = (await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=500')).body.items.length;
    const r = await envoi.api('POST', A('platform', 'send-email', 'execute'), { input });
    expect(r.status, r.text).to.equal(400);
    if (path) expect(r.body.error.details.map((d: { path: string }) => d.path), r.text).to.include(path);
    expect((await envoi.api('GET', '/api/v1/scopes/platform/deliveries?limit=500')).body.items.length, 'something was queued').to.equal(queued);
    expect(sink.received.length).to.equal(before);
    return r;
  };

  return { send, refused };
}
