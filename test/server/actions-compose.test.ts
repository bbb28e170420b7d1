import crypto from 'node:crypto';
import { expect } from 'chai';
import { BACKENDS, TestEnvoi } from '../support/harness.js';
import { A, actionsSuite } from './actions-suite.js';

for (const backend of BACKENDS) {
  describe(`workflow actions (${backend.name})`, function () {
    let envoi: TestEnvoi;
    const { send, refused } = actionsSuite(backend, (s) => ({ envoi } = s));

    it('variables render; html escapes values, subject does not; the text part is derived, links kept', async () => {
      const got = await send('send-email', {
        to: 'Grace Hopper <grace@customer.test>',
        subject: 'Order {{order.id}} for {{name}}',
        html: '<h1>Hello {{name}}</h1><p>Your order <a href="https://shop.test/orders/{{order.id}}">{{order.id}}</a> ships {{formatDate order.ships locale="en"}}.</p><p>{{default note "No note"}}</p>',
        data: { name: 'Ada <script>alert(1)</script> & Co', order: { id: 42, ships: '2026-12-24T10:00:00Z' } },
      });
      expect(got.parsed.subject).to.equal('Order 42 for Ada <script>alert(1)</script> & Co');
      expect(got.parsed.html).to.include('Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
      expect(got.parsed.html).not.to.include('<script>');
      expect(got.parsed.html).to.include('December 24, 2026');
      expect(got.parsed.html).to.include('No note');
      const text = got.parsed.text!;
      expect(text).not.to.match(/<\/?(p|h1|a)\b/);
      expect(text).to.include('42 [https://shop.test/orders/42]');
      expect(text).to.include('December 24, 2026');
      expect(got.parsed.from!.value[0]).to.deep.include({ name: 'Acme', address: 'sender@envoi.test' });
    });

    it('bcc is in the envelope and never in the headers; cc, replyTo, priority and X- headers arrive', async () => {
      const got = await send('send-email', {
        to: ['a@customer.test'],
        cc: 'Carol <carol@customer.test>',
        bcc: ['hidden@customer.test'],
        replyTo: 'Support <support@acme.test>',
        subject: 'Headers',
        text: 'x',
        priority: 'high',
        headers: { 'X-Campaign': 'winter-2026', 'X-Workflow-Run': 'run-7' },
      });
      expect(got.envelope.to).to.have.members(['a@customer.test', 'carol@customer.test', 'hidden@customer.test']);
      expect(got.raw).not.to.match(/hidden@customer\.test/);
      expect(got.parsed.headers.has('bcc')).to.equal(false);
      expect(got.parsed.cc && !Array.isArray(got.parsed.cc) ? got.parsed.cc.value[0] : undefined).to.deep.include({ name: 'Carol', address: 'carol@customer.test' });
      expect(got.parsed.replyTo!.value[0]).to.deep.include({ address: 'support@acme.test' });
      expect(got.raw).to.match(/^X-Priority: 1/m);
      expect(got.raw).to.match(/^Importance: High/im);
      expect(got.parsed.headers.get('x-campaign')).to.equal('winter-2026');
      expect(got.parsed.headers.get('x-workflow-run')).to.equal('run-7');
      expect(got.parsed.inReplyTo).to.equal(undefined);
    });

    it('a 3 KB binary attachment arrives byte for byte; a referenced image is inline, an unreferenced one is not', async () => {
      const binary = crypto.randomBytes(3072);
      const png = crypto.randomBytes(200);
      const got = await send('send-email', {
        to: 'a@customer.test',
        subject: 'Files',
        html: '<p>Logo: <img src="cid:logo@acme"></p>',
        attachments: [
          { filename: 'report.bin', contentType: 'application/octet-stream', content: binary.toString('base64') },
          { filename: 'logo.png', contentType: 'image/png', content: png.toString('base64'), cid: 'logo@acme' },
          { filename: 'unused.png', contentType: 'image/png', content: png.toString('base64'), cid: 'not-in-html' },
        ],
      });
      const byName = (n: string) => got.parsed.attachments.find((a) => a.filename === n)!;
      expect(Buffer.compare(byName('report.bin').content, binary)).to.equal(0);
      expect(byName('report.bin').contentDisposition).to.equal('attachment');
      expect(byName('logo.png').related).to.equal(true);
      expect(byName('logo.png').contentId).to.equal('<logo@acme>');
      expect(Buffer.compare(byName('logo.png').content, png)).to.equal(0);
      expect(byName('unused.png').related).to.not.equal(true);
      expect(byName('unused.png').contentDisposition).to.equal('attachment');
    });

    it('attachments with path or href, non-X headers, and CR/LF in headers, subjects or names are refused; nothing is sent', async () => {
      await refused({ to: 'a@customer.test', subject: 's', text: 't', attachments: [{ filename: 'passwd', path: '/etc/passwd' }] }, '/attachments/0/path');
      await refused({ to: 'a@customer.test', subject: 's', text: 't', attachments: [{ filename: 'x', href: 'http://169.254.169.254/latest/meta-data/' }] }, '/attachments/0/href');
      await refused({ to: 'a@customer.test', subject: 's', text: 't', headers: { Bcc: 'spy@evil.test' } });
      await refused({ to: 'a@customer.test', subject: 's', text: 't', headers: { From: 'ceo@acme.test' } });
      await refused({ to: 'a@customer.test', subject: 's', text: 't', headers: { 'X-Ok': 'a\r\nBcc: spy@evil.test' } }, '/headers/X-Ok');
      await refused({ to: 'a@customer.test', subject: 'Hi\r\nBcc: spy@evil.test', text: 't' }, '/subject');
      await refused({ to: 'Evil\r\nBcc: spy@evil.test <a@customer.test>', subject: 's', text: 't' }, '/to');
      await refused({ to: 'a@customer.test', subject: 'Hi {{name}}', text: 't', data: { name: 'x\r\nBcc: spy@evil.test' } }, '/subject');
      await refused({ to: 'a@customer.test', subject: 's', text: 't', replyTo: 'a@customer.test\nBcc: spy@evil.test' }, '/replyTo');
    });

    it('an invite carries METHOD:REQUEST, UID, SEQUENCE, DTSTART and the attendees; a newline in the title adds nothing', async () => {
      const event = {
        title: 'Quarterly review\r\nATTENDEE:mailto:intruder@evil.test',
        start: '2026-12-01T10:00',
        timeZone: 'Europe/Paris',
        duration: { hours: 1 },
        location: 'Room 4; floor 2',
        organizer: { name: 'Ada', email: 'ada@acme.test' },
        attendees: [{ name: 'Grace', email: 'grace@customer.test', rsvp: true }],
        alarms: [{ minutesBefore: 15 }],
        uid: 'review-2026-q4@acme.test',
        sequence: 0,
      };
      const got = await send('send-email', { to: 'grace@customer.test', subject: 'Invite', text: 'See the invite', calendarEvent: event });
      const cal = got.raw.includes('text/calendar') ? got.parsed.attachments.find((a) => /calendar/.test(a.contentType))! : undefined;
      expect(cal, 'no text/calendar part').to.not.equal(undefined);
      const ics = cal!.content.toString('utf8');
      expect(got.raw).to.match(/text\/calendar; charset=utf-8; method=REQUEST/i);
      for (const line of ['METHOD:REQUEST', 'UID:review-2026-q4@acme.test', 'SEQUENCE:0', 'DTSTART:20261201T090000Z', 'BEGIN:VALARM']) expect(ics).to.include(line);
      // RFC 5545 folds long lines; unfold before reading properties.
      const unfolded = ics.replace(/\r?\n[ \t]/g, '');
      expect(unfolded).to.match(/ATTENDEE;RSVP=TRUE;.*CN="?Grace"?.*:mailto:grace@customer\.test/);
      expect(unfolded.split(/\r?\n/).filter((l) => /^ATTENDEE/.test(l)), 'a property was injected').to.have.length(1);

      const cancel = await envoi.api('POST', A('platform', 'create-ics', 'execute'), { input: { ...event, method: 'CANCEL', sequence: 1 } });
      expect(cancel.status).to.equal(200);
      expect(cancel.body.filename).to.match(/^quarterly-review[\w-]*\.ics$/);
      expect(cancel.body.contentType).to.match(/^text\/calendar.*method=CANCEL/);
      const cancelled = Buffer.from(cancel.body.content, 'base64').toString('utf8');
      for (const line of ['METHOD:CANCEL', 'STATUS:CANCELLED', 'UID:review-2026-q4@acme.test', 'SEQUENCE:1']) expect(cancelled).to.include(line);
    });
  });
}
