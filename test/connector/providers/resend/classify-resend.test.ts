import { expect } from 'chai';
import { classifyResend } from '../../../../connector/providers/resend/classify-resend.js';
import { idempotencyKey } from '../../../../connector/providers/resend/resend-message.js';

const KEY = 're_AbC123_secretsecretsecret';
const send = { stage: 'send' as const, sender: 'news@acme.test', apiKey: KEY };
const rs = (statusCode: number, name: string, message: string) => ({ statusCode, name, message });
const none = new Headers();

describe('Resend\'s answers on the failure catalogue', () => {
  it('reads the error name and words where the status alone would mislead', () => {
    const cases: Array<[number, unknown, string, boolean, boolean]> = [
      // status, body, code, transient, connectionFault
      [401, rs(401, 'missing_api_key', 'Missing API key in the authorization header.'), 'AUTH_FAILED', false, true],
      [401, rs(401, 'validation_error', 'API key is invalid'), 'AUTH_FAILED', false, true],
      [400, rs(400, 'validation_error', 'API key is invalid'), 'AUTH_FAILED', false, true],
      [403, rs(403, 'invalid_api_key', 'API key is invalid.'), 'AUTH_FAILED', false, true],
      [401, rs(401, 'restricted_api_key', 'This API key is restricted to only send emails'), 'PERMISSION_MISSING', false, true],
      [403, rs(403, 'validation_error', 'The acme.test domain is not verified. Please, add and verify your domain on https://resend.com/domains'), 'SENDER_REJECTED', false, false],
      [403, rs(403, 'validation_error', 'You can only send testing emails to your own email address.'), 'SENDER_REJECTED', false, false],
      [422, rs(422, 'invalid_from_address', 'Invalid `from` field.'), 'SENDER_REJECTED', false, false],
      [422, rs(422, 'validation_error', 'Invalid `to` field.'), 'MESSAGE_REJECTED', false, false],
      [409, rs(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'), 'MESSAGE_REJECTED', false, false],
      [409, rs(409, 'concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.'), 'THROTTLED', true, false],
      [429, rs(429, 'rate_limit_exceeded', 'Too many requests.'), 'THROTTLED', true, false],
      [429, rs(429, 'daily_quota_exceeded', 'You have reached your daily email sending quota.'), 'THROTTLED', true, false],
      [500, rs(500, 'application_error', 'An unexpected error occurred.'), 'SERVER_ERROR', true, true],
    ];
    for (const [status, body, code, transient, fault] of cases) {
      expect(classifyResend(status, body, none, send), `${status} ${JSON.stringify(body)}`).to.include({ code, transient, connectionFault: fault, responseCode: status });
    }
  });

  it('waits as long as Retry-After, or ratelimit-reset without it; a quota names the plan', () => {
    expect(classifyResend(429, rs(429, 'rate_limit_exceeded', 'x'), new Headers({ 'retry-after': '3' }), send).retryAfterMs).to.equal(3000);
    expect(classifyResend(429, rs(429, 'rate_limit_exceeded', 'x'), new Headers({ 'ratelimit-reset': '2' }), send).retryAfterMs).to.equal(2000);
    expect(classifyResend(429, rs(429, 'monthly_quota_exceeded', 'x'), none, send).hint).to.match(/Settings → Billing/);
  });

  it('keeps Resend\'s words, names its dashboard, and never repeats the key', () => {
    const f = classifyResend(422, rs(422, 'validation_error', `Bad field near ${KEY}`), none, send);
    expect(f.message).to.equal('Resend refused the message (422 validation_error): Bad field near [redacted]');
    expect(classifyResend(401, rs(401, 'validation_error', 'API key is invalid'), none, { ...send, stage: 'auth' })).to.include({ stage: 'auth' });
    expect(classifyResend(401, rs(401, 'missing_api_key', 'x'), none, send).hint).to.match(/^In the Resend dashboard, API Keys/);
    expect(classifyResend(403, rs(403, 'validation_error', 'x'), none, send).hint).to.match(/^In the Resend dashboard, Domains: add acme\.test/);
  });

  it('derives the Idempotency-Key from the Message-ID, within Resend\'s 256 characters', () => {
    expect(idempotencyKey('<abc.123@acme.test>')).to.equal('abc.123@acme.test');
    expect(idempotencyKey('')).to.equal(undefined);
    const long = idempotencyKey(`<${'x'.repeat(300)}@acme.test>`)!;
    expect(long).to.match(/^sha256-[0-9a-f]{64}$/);
    expect(idempotencyKey(`<${'x'.repeat(300)}@acme.test>`)).to.equal(long);
  });
});
