import fs from 'node:fs';
import { expect } from 'chai';
import { check as recheck } from 'recheck';
import { check, readSchema, SCHEMA_DIR } from '../../schemas/validator.js';

const FILES = fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();

/** Every schema node under `node`, with its JSON pointer (values of enum/const/default/examples are data, not schemas). */
function nodes(node: unknown, at = ''): Array<{ at: string; node: Record<string, unknown> }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => nodes(n, `${at}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const here = { at, node: node as Record<string, unknown> };
  const below = Object.entries(node).filter(([k]) => !['enum', 'const', 'default', 'examples'].includes(k)).flatMap(([k, v]) => nodes(v, `${at}/${k}`));
  return [here, ...below];
}

const isString = (n: Record<string, unknown>) => n.type === 'string' || (Array.isArray(n.type) && n.type.includes('string'));

describe('schemas: every string bounded, every pattern linear', () => {
  it('every string of every schema has a maxLength', () => {
    const unbounded = FILES.flatMap((f) => nodes(readSchema(f)).filter(({ node }) => isString(node) && typeof node.maxLength !== 'number').map(({ at }) => `${f}#${at}`));
    expect(unbounded, 'string nodes without maxLength').to.deep.equal([]);
  });

  // ajv runs with allErrors, so a pattern is matched even on a value already too long: only a
  // pattern that cannot backtrack keeps validation linear. recheck decides it on the automaton
  // (no timing involved); ajv compiles patterns with the "u" flag.
  it('no pattern can backtrack super-linearly (recheck, automaton checker)', async function () {
    this.timeout(60_000);
    const patterns = FILES.flatMap((f) => nodes(readSchema(f)).filter(({ node }) => typeof node.pattern === 'string').map(({ at, node }) => ({ where: `${f}#${at}`, pattern: node.pattern as string })));
    expect(patterns.length).to.be.greaterThan(10);
    const verdicts = [];
    for (const p of patterns) {
      const d = await recheck(p.pattern, 'u', { checker: 'automaton' });
      verdicts.push({ where: p.where, status: d.status, complexity: d.status === 'safe' ? undefined : JSON.stringify(d) });
    }
    expect(verdicts.filter((v) => v.status !== 'safe')).to.deep.equal([]);
    // The check itself catches what it is meant to: the base64 pattern this replaced.
    expect((await recheck('^[A-Za-z0-9+/\\s]*={0,2}\\s*$', 'u', { checker: 'automaton' })).status).to.equal('vulnerable');
  });

  it('attachment content: base64 with line breaks and padding passes; a bad character or a stray "=" does not', () => {
    const mail = (content: string) => ({ to: 'a@example.com', subject: 's', text: 't', attachments: [{ filename: 'a.bin', content }] });
    for (const ok of ['QUJD', 'QUI=', 'QQ==', 'QUJD\r\nREVG\n', 'QQ==\r\n', '']) expect(check('send-email.input.schema.json', mail(ok)).valid, ok).to.equal(true);
    for (const bad of ['QUJD!', `${' '.repeat(80_000)}!`, 'QQ===', 'Q=Q=', 'QUJD\u0000']) {
      const r = check('send-email.input.schema.json', mail(bad));
      expect(r.valid, JSON.stringify(bad.slice(0, 10))).to.equal(false);
      expect(r.errors.map((e) => e.path)).to.include('/attachments/0/content');
    }
  });

  it('attachment names: control and bidi characters refused by the schema', () => {
    const mail = (filename: string) => ({ to: 'a@example.com', subject: 's', text: 't', attachments: [{ filename, content: 'QUJD' }] });
    expect(check('send-email.input.schema.json', mail('invoice (2).pdf')).valid).to.equal(true);
    for (const c of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\u0007']) {
      const r = check('send-email.input.schema.json', mail(`invoice${c}fdp.exe`));
      expect(r.valid, `U+${c.charCodeAt(0).toString(16)}`).to.equal(false);
      expect(r.errors.map((e) => e.path)).to.include('/attachments/0/filename');
    }
  });

  it('a connection name needs a visible character and no control character', () => {
    const conn = (name: string) => ({ name, senderEmail: 'a@example.com', host: 'smtp.example.com' });
    expect(check('connection.schema.json', conn(' Newsletters ')).valid).to.equal(true);
    for (const bad of ['   ', '\tx', 'a\nb', '']) expect(check('connection.schema.json', conn(bad)).valid, JSON.stringify(bad)).to.equal(false);
  });
});
