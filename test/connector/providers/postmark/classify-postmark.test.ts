import { expect } from 'chai';
import { classifyPostmark } from '../../../../connector/providers/postmark/classify-postmark.js';

const TOKEN = '6f1b9c52-4d1e-4c8a-9d7e-0a1b2c3d4e5f';
const send = { stage: 'send' as const, sender: 'news@acme.test', token: TOKEN };
const pm = (ErrorCode: number, Message: string) => ({ ErrorCode, Message });

describe('Postmark\'s answers on the failure catalogue', () => {
  it('reads the ErrorCode of a 422: each important code has its catalogue code, transience and fault', () => {
    const cases: Array<[number, unknown, string, boolean, boolean]> = [
      // status, body, code, transient, connectionFault
      [401, pm(10, 'Bad or missing API token'), 'AUTH_FAILED', false, true],
      [422, pm(10, 'Bad or missing API token'), 'AUTH_FAILED', false, true],
      [422, pm(300, 'Invalid \'To\' address: \'nope\'.'), 'MESSAGE_REJECTED', false, false],
      [422, pm(400, 'The \'From\' address you supplied is not a Sender Signature on your account.'), 'SENDER_REJECTED', false, false],
      [422, pm(401, 'Sender signature not confirmed'), 'SENDER_REJECTED', false, false],
      [422, pm(405, 'You have run out of credits.'), 'PERMISSION_MISSING', false, true],
      [422, pm(406, 'Found inactive addresses: a@b.test.'), 'RECIPIENT_REJECTED', false, false],
      [422, pm(411, 'Forbidden attachment type'), 'MESSAGE_REJECTED', false, false],
      [422, pm(412, 'Account is pending approval'), 'PERMISSION_MISSING', false, true],
      [422, pm(1235, 'The \'MessageStream\' provided does not exist on this server.'), 'MESSAGE_REJECTED', false, false],
      [429, pm(429, 'Rate limit exceeded'), 'THROTTLED', true, false],
      [500, pm(100, 'Maintenance'), 'SERVER_ERROR', true, true],
      [502, undefined, 'SERVER_ERROR', true, true],
    ];
    for (const [status, body, code, transient, fault] of cases) {
      const f = classifyPostmark(status, body, null, send);
      expect(f, `${status} ${JSON.stringify(body)}`).to.include({ code, transient, connectionFault: fault, responseCode: status });
    }
  });

  it('keeps Postmark\'s words and ErrorCode in the message and reply, honours Retry-After, and never repeats the token', () => {
    const f = classifyPostmark(422, pm(300, `Invalid request for token ${TOKEN}`), null, send);
    expect(f.message).to.equal('Postmark refused the message (422 ErrorCode 300): Invalid request for token [redacted]');
    expect(f.reply).to.equal('HTTP 422 ErrorCode 300: Invalid request for token [redacted]');
    expect(classifyPostmark(429, pm(429, 'Rate limit exceeded'), '7', send).retryAfterMs).to.equal(7000);
  });

  it('names Postmark\'s console in its hints; a test reports a wrong token at auth', () => {
    expect(classifyPostmark(401, pm(10, 'x'), null, { ...send, stage: 'auth' })).to.include({ stage: 'auth', hint: 'In Postmark, Servers → your server → API Tokens: copy the Server API token (not the Account token) and save it here.' });
    expect(classifyPostmark(422, pm(400, 'x'), null, send).hint).to.match(/^In Postmark, Sender Signatures: add news@acme\.test/);
    expect(classifyPostmark(422, pm(405, 'x'), null, send).hint).to.match(/Account → Billing/);
  });
});
