import { expect } from 'chai';
import emailAddresses from 'email-addresses';
import { buildMessage } from '../../../actions/message.js';
import { composeMessage } from '../../../connector/delivery/compose.js';

/**
 * Every message Envoi builds has Date, Message-ID and MIME-Version (design.md "Deliverability"),
 * and its header block is RFC 5322 as a strict reader sees it: field names of printable ASCII,
 * lines of at most 998 characters folded only with white space, no 8-bit bytes outside encoded
 * words, and address fields that the email-addresses parser (an RFC 5322 grammar, RFC 6532 off)
 * accepts. Reply-To stays Reply-To: In-Reply-To is only ever a message id.
 */

/** The header fields of a message, unfolded, in order; throws where the block breaks RFC 5322 §2.2. */
function headerFields(raw: string): Array<[name: string, value: string]> {
  const end = raw.indexOf('\r\n\r\n');
  expect(end, 'a blank line ends the header block').to.be.above(0);
  const lines = raw.slice(0, end).split('\r\n');
  const fields: Array<[string, string]> = [];
  for (const line of lines) {
    expect(line.length, `line of at most 998 characters (§2.1.1): ${line.slice(0, 60)}`).to.be.at.most(998);
    expect(line, 'US-ASCII only, no bare CR or LF (§2.2)').to.match(/^[\x20-\x7e\t]*$/);
    if (/^[ \t]/.test(line)) {
      expect(fields.length, 'a folded line continues a field').to.be.above(0);
      fields[fields.length - 1]![1] += line;
      continue;
    }
    const m = /^([\x21-\x39\x3b-\x7e]+):(.*)$/.exec(line);
    expect(m, `a field is name ":" value (§2.2): ${line.slice(0, 60)}`).to.not.equal(null);
    fields.push([m![1]!, m![2]!.trim()]);
  }
  return fields;
}

// RFC 5322 §3.3 date-time (without obsolete forms) and §3.6.4 msg-id (dot-atom-text "@" dot-atom-text).
const DATE = /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? [+-]\d{4}$/;
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const MSG_ID = new RegExp(`^<${ATEXT}(?:\\.${ATEXT})*@${ATEXT}(?:\\.${ATEXT})*>$`);

async function compose(parts: Parameters<typeof buildMessage>[0], replyTo?: string) {
  const built = buildMessage(parts, { uidDomain: 'acme.test' });
  const mail = { ...built.mail, from: { name: 'Équipe Acme, Support', address: 'news@acme.test' }, replyTo: replyTo ?? built.mail.replyTo ?? 'news@acme.test' };
  return (await composeMessage('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', mail, 1_000_000)).raw;
}

describe('composed messages as RFC 5322 (headers by construction)', () => {
  it('a plain text mail has Date, Message-ID, MIME-Version once each, all parsing strictly', async () => {
    const raw = await compose({ to: 'reader@example.com', subject: 'Hello', text: 'Hi' });
    const fields = headerFields(raw);
    const one = (name: string) => {
      const found = fields.filter(([n]) => n.toLowerCase() === name.toLowerCase());
      expect(found, name).to.have.length(1);
      return found[0]![1];
    };
    expect(one('Date')).to.match(DATE);
    expect(Math.abs(Date.parse(one('Date')) - Date.now())).to.be.below(60_000);
    expect(one('Message-ID')).to.match(MSG_ID).and.equal('<0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@acme.test>');
    expect(one('MIME-Version')).to.equal('1.0');
    expect(emailAddresses.parseFrom({ input: one('From'), rfc6532: false })).to.have.length(1);
    expect(emailAddresses.parseAddressList({ input: one('To'), rfc6532: false })![0]).to.include({ address: 'reader@example.com' });
  });

  it('unicode names and subject, Cc, Reply-To, attachments, an X- header: every field still strict, Reply-To never sent as In-Reply-To', async () => {
    const raw = await compose({
      to: ['Zoë Ünal <zoe@example.com>', 'b@example.org'], cc: '"Dupont, Jean" <jean@example.fr>', replyTo: 'Service client <help@acme.test>',
      subject: 'Réunion « trimestrielle » — ordre du jour très long '.repeat(4).trim(), html: '<p>Bonjour</p>',
      attachments: [{ filename: 'compte-rendu été.pdf', content: Buffer.from('%PDF-1.4').toString('base64'), contentType: 'application/pdf' }],
      headers: { 'X-Campaign': 'printemps' },
    });
    const fields = headerFields(raw);
    const names = fields.map(([n]) => n.toLowerCase());
    for (const n of ['date', 'message-id', 'mime-version', 'from', 'to', 'cc', 'reply-to', 'subject', 'content-type']) expect(names, n).to.include(n);
    expect(names, 'Reply-To is not turned into In-Reply-To').not.to.include('in-reply-to');
    const value = (n: string) => fields.find(([x]) => x.toLowerCase() === n)![1];
    expect(emailAddresses.parseReplyTo({ input: value('reply-to'), rfc6532: false })![0]).to.include({ address: 'help@acme.test' });
    expect(emailAddresses.parseAddressList({ input: value('to'), rfc6532: false })!.map((a) => (a as { address: string }).address)).to.deep.equal(['zoe@example.com', 'b@example.org']);
    expect(emailAddresses.parseAddressList({ input: value('cc'), rfc6532: false })![0]).to.include({ address: 'jean@example.fr' });
    expect(emailAddresses.parseFrom({ input: value('from'), rfc6532: false })![0]).to.include({ address: 'news@acme.test' });
    expect(value('subject')).to.match(/^=\?UTF-8\?[QB]\?/i);
    expect(value('message-id')).to.match(MSG_ID);
  });

  it('the strict reader does fail a broken block (a field without a colon, 8-bit bytes)', () => {
    expect(() => headerFields('From: a@b.test\r\nBroken line\r\n\r\nx')).to.throw(/name ":" value/);
    expect(() => headerFields('Subject: Réunion\r\n\r\nx')).to.throw(/US-ASCII/);
    expect(emailAddresses.parseAddressList({ input: 'Jean, Dupont <jean@example.fr>', rfc6532: false })).to.equal(null);
  });
});
