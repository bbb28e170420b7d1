import { expect } from 'chai';
import { apiRequest } from '../../../../connector/providers/http/request.js';
import { SendFailure } from '../../../../connector/providers/results.js';
import { SendReleased } from '../../../../connector/providers/send-control.js';
import { HttpStandin } from '../../../support/http-standin.js';

const target = { service: 'Acme Mail', owner: 'Acme' };

describe('providers/http: one API call, bounded by time and by the worker\'s shutdown', () => {
  let api: HttpStandin;
  before(async () => {
    api = await new HttpStandin((r) => (r.path === '/hang' ? 'hang' : r.path === '/big' ? { status: 200, text: 'x'.repeat(3 * 1024 * 1024) } : { status: 202, json: { id: 'm-1' } })).start();
  });
  after(() => api.stop());

  const controls = () => {
    const release = new AbortController();
    const deadline = new AbortController();
    return { release, deadline, control: { release: release.signal, deadline: deadline.signal } };
  };

  it('a send released before its request starts never reaches the API', async () => {
    const c = controls();
    c.release.abort();
    const before = api.requests.length;
    const err = await apiRequest({ url: `${api.url}/send`, method: 'POST', body: '{}', stage: 'send', what: 'Acme', target, control: c.control }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SendReleased);
    expect(api.requests.length).to.equal(before);
  });

  it('at the shutdown deadline a request in flight stops waiting: its outcome is unknown, not a failure to retry blindly', async () => {
    const c = controls();
    const pending = apiRequest({ url: `${api.url}/hang`, method: 'POST', body: '{}', stage: 'send', what: 'Acme\'s API', target, control: c.control }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 150));
    c.deadline.abort();
    const err = (await pending) as SendFailure;
    expect(err).to.be.instanceOf(SendFailure);
    expect(err.failure.code).to.equal('OUTCOME_UNKNOWN');
    expect(err.failure.outcomeUnknown).to.equal(true);
    expect(err.failure.hint).to.match(/Acme may have accepted the mail/);
  });

  it('a credential check that times out is a connection timeout at stage auth; an answer is read whole up to 1 MiB', async () => {
    const err = (await apiRequest({ url: `${api.url}/hang`, stage: 'auth', what: 'Acme\'s API', target, timeoutMs: 200 }).catch((e: unknown) => e)) as SendFailure;
    expect(err.failure).to.include({ code: 'CONNECTION_TIMEOUT', stage: 'auth' });
    const ok = await apiRequest({ url: `${api.url}/send`, method: 'POST', body: '{}', stage: 'send', what: 'Acme', target });
    expect(ok.status).to.equal(202);
    expect(ok.json).to.deep.equal({ id: 'm-1' });
    const big = await apiRequest({ url: `${api.url}/big`, stage: 'auth', what: 'Acme', target });
    expect(big.text.length).to.be.at.most(1024 * 1024);
  });
});
