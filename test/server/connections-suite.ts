import { expect } from 'chai';
import { onBackend, type BackendSuite } from '../support/backend-suite.js';
import type { Backend, TestEnvoi } from '../support/harness.js';

export const PASSWORD = 'Sup3r-S3cret-Pa55word!';
export const C = '/api/v1/scopes/platform/connections';

/**
 * The hooks of a connections suite on `backend` (the TestEnvoi goes to `started`). `api` keeps
 * every response body in `seen`; after the suite, no body and no log line may hold PASSWORD.
 */
export function connectionsSuite(backend: Backend, started: (envoi: TestEnvoi) => void = () => {}) {
  let envoi: TestEnvoi | undefined;
  /** Every response body seen in this suite, to prove no secret is ever echoed. */
  const seen: string[] = [];
  const { sink }: BackendSuite = onBackend(backend, {}, (e) => {
    envoi = e;
    started(e);
  });
  const api = async (method: string, p: string, body?: unknown, opts?: Parameters<TestEnvoi['api']>[3]) => {
    const r = await envoi!.api(method, p, body, opts);
    seen.push(r.text);
    return r;
  };
  after(() => {
    for (const text of [...seen, ...(envoi?.logs ?? [])]) expect(text, 'a response or log line holds the password').not.to.include(PASSWORD);
  });
  return { api, sink, seen };
}
