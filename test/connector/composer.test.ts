import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { Composer } from '../../connector/delivery/composer.js';
import { EnvoiError } from '../../connector/errors.js';
import { ThreadPool } from '../../connector/threads/pool.js';

const ID = '3f1c2a9e-0000-4000-8000-000000000001';
const pixel = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const mail = () => ({
  from: { name: 'Shop', address: 'shop@envoi.test' },
  to: [{ name: 'Ana', address: 'ana@customer.test' }],
  bcc: ['audit@envoi.test'],
  subject: 'Your order ✓',
  html: '<h1>Thanks</h1><p>See <a href="https://shop.example/o/1">your order</a>.</p><img src="cid:logo">',
  attachments: [
    { filename: 'logo.png', content: pixel, cid: 'logo' },
    { filename: 'receipt.txt', content: Buffer.from('total 12.00\n') },
  ],
  headers: { 'X-Order': '1' },
  priority: 'high' as const,
});

const pool = (threads: number) => new ThreadPool({ threads, timeoutMs: 10_000, memoryMb: 256 });

describe('Composer: MIME built on a pool thread', () => {
  const threaded = new Composer(pool(2));
  const inline = new Composer(pool(0));
  after(() => threaded.pool.close());

  it('builds the same message on a thread as inline: parts, derived text, attachments, headers, envelope', async () => {
    const [a, b] = await Promise.all([threaded.compose('acme', ID, mail(), 1e6), inline.compose('acme', ID, mail(), 1e6)]);
    expect(a.envelope).to.deep.equal(b.envelope);
    expect(a.envelope.to).to.include('audit@envoi.test');
    expect(a.messageId).to.equal(`<${ID}@envoi.test>`);
    expect(a.text).to.equal(b.text);
    expect(a.text).to.match(/THANKS/).and.match(/your order \[https:\/\/shop\.example\/o\/1\]/);
    const [pa, pb] = await Promise.all([simpleParser(a.raw), simpleParser(b.raw)]);
    for (const p of [pa, pb]) {
      expect(p.subject).to.equal('Your order ✓');
      expect(p.headers.get('x-order')).to.equal('1');
      expect(p.headers.get('priority')).to.equal('high');
      expect(p.headers.has('bcc'), 'Bcc stays out of the headers').to.equal(false);
    }
    expect(pa.text).to.equal(pb.text);
    expect(pa.html).to.equal(pb.html);
    expect(pa.attachments.map((x) => [x.filename, x.content.toString('base64'), x.cid ?? null])).to.deep.equal(pb.attachments.map((x) => [x.filename, x.content.toString('base64'), x.cid ?? null]));
    expect(pa.attachments[0]!.content.equals(pixel), 'binary content survives the hop').to.equal(true);
  });

  it('reports a refused message as the same EnvoiError, with its code, hint and details', async () => {
    const tooMany = { ...mail(), attachments: Array.from({ length: 21 }, (_, i) => ({ filename: `f${i}.txt`, content: Buffer.from('x') })) };
    const err = await threaded.compose('acme', ID, tooMany, 1e6).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(EnvoiError);
    expect((err as EnvoiError).code).to.equal('VALIDATION_FAILED');
    expect((err as EnvoiError).details).to.deep.equal([{ path: '/attachments', message: 'must have at most 20 items' }]);
    const big = await threaded.compose('acme', ID, mail(), 500).then(() => undefined, (e: unknown) => e);
    expect((big as EnvoiError).code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('a thread that dies fails at most what it held, and the next message gets a new thread', async () => {
    const c = new Composer(pool(2));
    try {
      await c.compose('acme', ID, mail(), 1e6);
      const held = c.compose('acme', ID, mail(), 1e6);
      // What a crash of the thread looks like from the main thread.
      await (c.pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } } | undefined> }).slots.find(Boolean)!.worker.terminate();
      const outcome = await held.then(() => 'built', (e: Error) => e.message);
      // A job whose thread stopped under it runs again (jobs are pure); it fails only if it stops a thread twice.
      expect(outcome === 'built' || /thread exited under it/.test(outcome), outcome).to.equal(true);
      const again = await c.compose('acme', ID, mail(), 1e6);
      expect(again.envelope.to).to.have.length(2);
    } finally {
      await c.pool.close();
    }
  });
});
