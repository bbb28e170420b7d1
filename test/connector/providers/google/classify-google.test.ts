import { expect } from 'chai';
import { classifyGmailAnswer, classifyTokenAnswer } from '../../../../connector/providers/google/classify-google.js';

const ctx = { sender: 'ops@contoso.test', clientId: '109876543210987654321', secrets: ['-----BEGIN PRIVATE KEY-----secret'] };
const gmail = (code: number, status: string, message: string, reason: string) => ({ error: { code, message, errors: [{ message, domain: 'global', reason }], status } });

describe('providers/google: Google\'s answers mapped onto the failure catalogue', () => {
  it('the token endpoint: delegation missing, unknown user, a deleted key, a wrong clock', () => {
    const perm = classifyTokenAnswer(401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' }, null, ctx);
    expect(perm).to.include({ code: 'PERMISSION_MISSING', stage: 'auth', connectionFault: true, responseCode: 401 });
    expect(perm.hint).to.include('Domain-wide delegation').and.include('109876543210987654321').and.include('https://www.googleapis.com/auth/gmail.send');
    const user = classifyTokenAnswer(400, { error: 'invalid_grant', error_description: 'Invalid email or User ID' }, null, ctx);
    expect(user).to.include({ code: 'AUTH_FAILED', stage: 'auth', connectionFault: true });
    expect(user.message).to.include('ops@contoso.test');
    const deleted = classifyTokenAnswer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, null, ctx);
    expect(deleted).to.include({ code: 'AUTH_FAILED', stage: 'auth' });
    expect(deleted.message).to.match(/the key was deleted or is wrong.*Invalid JWT Signature/);
    expect(deleted.hint).to.match(/IAM & Admin → Service accounts → Keys/);
    const clock = classifyTokenAnswer(400, { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.' }, null, ctx);
    expect(clock.hint).to.match(/clock/);
  });

  it('the token endpoint: 5xx is transient and may fail over, 429 waits, an odd 400 stays a credential fault', () => {
    expect(classifyTokenAnswer(503, undefined, null, ctx)).to.include({ code: 'SERVER_ERROR', stage: 'auth', transient: true, connectionFault: true });
    expect(classifyTokenAnswer(429, { error: 'rate_limit_exceeded' }, '3', ctx)).to.include({ code: 'THROTTLED', retryAfterMs: 3000 });
    const scope = classifyTokenAnswer(400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' }, null, ctx);
    expect(scope).to.include({ code: 'AUTH_FAILED', stage: 'auth' });
  });

  it('Gmail: Google\'s own words, its throttling reasons at 403, the API switched off, a message too large', () => {
    const bad = classifyGmailAnswer(400, gmail(400, 'INVALID_ARGUMENT', 'Invalid To header', 'invalidArgument'), '', null, ctx);
    expect(bad).to.include({ code: 'MESSAGE_REJECTED', transient: false, connectionFault: false });
    expect(bad.message).to.include('Invalid To header');
    expect(bad.reply).to.equal('HTTP 400 invalidArgument: Invalid To header');
    const limit = classifyGmailAnswer(403, gmail(403, 'PERMISSION_DENIED', 'User-rate limit exceeded.  Retry after 2099-01-01T00:00:00.000Z', 'userRateLimitExceeded'), '', null, ctx);
    expect(limit).to.include({ code: 'THROTTLED', transient: true });
    expect(limit.retryAfterMs, 'the time Gmail named').to.be.greaterThan(1e9);
    expect(classifyGmailAnswer(403, gmail(403, 'PERMISSION_DENIED', 'Rate Limit Exceeded', 'rateLimitExceeded'), '', null, ctx).code).to.equal('THROTTLED');
    const off = classifyGmailAnswer(403, gmail(403, 'PERMISSION_DENIED', 'Gmail API has not been used in project 123 before or it is disabled.', 'accessNotConfigured'), '', null, ctx);
    expect(off).to.include({ code: 'PERMISSION_MISSING', stage: 'auth' });
    expect(off.hint).to.match(/APIs & Services → Library → Gmail API → Enable/);
    const denied = classifyGmailAnswer(403, gmail(403, 'PERMISSION_DENIED', 'Delegation denied for ops@contoso.test', 'forbidden'), '', null, ctx);
    expect(denied.hint).to.include('109876543210987654321');
    expect(classifyGmailAnswer(413, undefined, 'Request Entity Too Large', null, ctx).code).to.equal('MESSAGE_TOO_LARGE');
    expect(classifyGmailAnswer(400, gmail(400, 'INVALID_ARGUMENT', 'Request payload size exceeds the limit: 5242880 bytes.', 'badRequest'), '', null, ctx).code).to.equal('MESSAGE_TOO_LARGE');
    expect(classifyGmailAnswer(500, gmail(500, 'INTERNAL', 'Backend Error', 'backendError'), '', null, ctx)).to.include({ code: 'SERVER_ERROR', transient: true, connectionFault: true });
    expect(classifyGmailAnswer(429, gmail(429, 'RESOURCE_EXHAUSTED', 'Too many', 'rateLimitExceeded'), '', '2', ctx)).to.include({ code: 'THROTTLED', retryAfterMs: 2000 });
  });
});
