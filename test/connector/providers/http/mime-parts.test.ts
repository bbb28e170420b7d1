import { expect } from 'chai';
import { composeMessage } from '../../../../connector/delivery/compose.js';
import { readMessage } from '../../../../connector/providers/http/mime-parts.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1@envoi.test\r\nSUMMARY:Kick-off\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

describe('providers/http: the outbox message read back for JSON email APIs', () => {
  it('every part an API takes comes back as sent: names, Bcc from the envelope, files, inline image, invite, X- headers', async () => {
    const composed = await composeMessage('d-1', {
      from: { name: 'Zoë Ops', address: 'ops@envoi.test' },
      to: ['Ann <ann@envoi.test>'],
      cc: ['cc@envoi.test'],
      bcc: ['hidden@envoi.test'],
      replyTo: 'help@envoi.test',
      subject: 'Réunion — ordre du jour',
      text: 'Hello',
      html: '<p>Hello <img src="cid:logo@envoi"></p>',
      attachments: [
        { filename: 'notes.txt', content: 'a,b\n', contentType: 'text/plain' },
        { filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@envoi' },
        { filename: 'invite.ics', content: ICS, contentType: 'text/calendar' },
      ],
      icalEvent: { method: 'REQUEST', content: ICS },
      headers: { 'X-Campaign': 'spring', 'X-Long': 'x'.repeat(120) },
      list: { unsubscribe: { url: 'https://envoi.test/u/1', comment: 'Unsubscribe' } },
    }, 1_000_000);
    const m = await readMessage({ raw: composed.raw, envelope: composed.envelope });
    expect(m.from).to.deep.equal({ address: 'ops@envoi.test', name: 'Zoë Ops' });
    expect(m.to).to.deep.equal([{ address: 'ann@envoi.test', name: 'Ann' }]);
    expect(m.cc).to.deep.equal([{ address: 'cc@envoi.test' }]);
    expect(m.bcc).to.deep.equal([{ address: 'hidden@envoi.test' }]);
    expect(m.replyTo).to.deep.equal([{ address: 'help@envoi.test' }]);
    expect(m.subject).to.equal('Réunion — ordre du jour');
    expect(m.text!.trim()).to.equal('Hello');
    expect(m.html).to.contain('cid:logo@envoi');
    expect(m.messageId).to.equal(composed.messageId);
    expect(m.calendar?.method).to.equal('REQUEST');
    expect(m.calendar?.content).to.contain('SUMMARY:Kick-off');
    const byName = Object.fromEntries(m.attachments.map((a) => [a.filename, a]));
    expect(Object.keys(byName)).to.have.members(['notes.txt', 'logo.png', 'invite.ics']);
    expect(byName['notes.txt']!.content.toString()).to.equal('a,b\n');
    expect(byName['notes.txt']!.inline).to.equal(false);
    expect(byName['logo.png']!).to.include({ contentId: 'logo@envoi', inline: true, contentType: 'image/png' });
    expect(byName['logo.png']!.content.equals(PNG)).to.equal(true);
    const headers = Object.fromEntries(m.headers.map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers['x-campaign']).to.equal('spring');
    expect(headers['x-long']).to.equal('x'.repeat(120));
    expect(headers['list-unsubscribe']).to.equal('<https://envoi.test/u/1> (Unsubscribe)');
  });

  it('a text-only message to one person has no html, no Bcc, no invite', async () => {
    const composed = await composeMessage('d-2', { from: 'a@envoi.test', to: 'b@envoi.test', subject: 's', text: 'only text' }, 1_000_000);
    const m = await readMessage({ raw: composed.raw, envelope: composed.envelope });
    expect(m.html).to.equal(undefined);
    expect(m.bcc).to.deep.equal([]);
    expect(m.calendar).to.equal(undefined);
    expect(m.attachments).to.deep.equal([]);
  });
});
