import { expect } from 'chai';
import { composeMessage } from '../../../../connector/delivery/compose.js';
import { readMessage } from '../../../../connector/providers/http/mime-parts.js';
import { resetAsRetryAfter } from '../../../../connector/providers/sendgrid/classify-sendgrid.js';
import { mailSendBody } from '../../../../connector/providers/sendgrid/sendgrid-body.js';
import { checkMailSend } from '../../../support/standins/sendgrid.js';

const bodyOf = async (mail: Parameters<typeof composeMessage>[1]) => {
  const m = await composeMessage('d-sg', mail, 1_000_000);
  return mailSendBody(await readMessage({ raw: m.raw, envelope: m.envelope }));
};

describe('providers/sendgrid: the outbox message as a v3 Mail Send body', () => {
  it('an address named twice is kept once, where it first appears (SendGrid refuses repeats in a personalization)', async () => {
    const b = await bodyOf({ from: 'a@acme.test', to: ['Ann <ann@customer.test>', 'bob@customer.test'], cc: ['ANN@customer.test', 'cat@customer.test'], bcc: ['bob@customer.test', 'dan@customer.test'], subject: 's', text: 'x' });
    expect(b.personalizations).to.deep.equal([{ to: [{ email: 'ann@customer.test', name: 'Ann' }, { email: 'bob@customer.test' }], cc: [{ email: 'cat@customer.test' }], bcc: [{ email: 'dan@customer.test' }] }]);
    expect(checkMailSend(b)).to.equal(undefined);
  });

  it('several Reply-To addresses go as reply_to_list; priority and X- headers go, reserved ones never', async () => {
    const b = await bodyOf({ from: 'a@acme.test', to: 'b@customer.test', replyTo: ['one@acme.test', 'Two <two@acme.test>'], subject: 's', html: '<p>only html</p>', priority: 'high', headers: { 'X-Ref': '42' } });
    expect(b.reply_to).to.equal(undefined);
    expect(b.reply_to_list).to.deep.equal([{ email: 'one@acme.test' }, { email: 'two@acme.test', name: 'Two' }]);
    expect(b.content.map((c) => c.type), 'text derived from html, first').to.deep.equal(['text/plain', 'text/html']);
    expect(Object.keys(b.headers!)).to.include.members(['Message-ID', 'X-Ref', 'Importance']);
    for (const name of Object.keys(b.headers!)) expect(name.toLowerCase()).not.to.be.oneOf(['to', 'from', 'subject', 'reply-to', 'cc', 'bcc', 'content-type']);
    expect(checkMailSend(b)).to.equal(undefined);
  });

  it('X-RateLimit-Reset (Unix seconds) reads as seconds from now, never negative', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    expect(resetAsRetryAfter(String(now / 1000 + 7), now)).to.equal('7');
    expect(resetAsRetryAfter(String(now / 1000 - 5), now)).to.equal('0');
    expect(resetAsRetryAfter('soon', now)).to.equal(undefined);
    expect(resetAsRetryAfter(null, now)).to.equal(undefined);
  });
});
