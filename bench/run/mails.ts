/** The mails: ~1 KB plain text and ~5 KB HTML, the same bytes for Envoi and for raw nodemailer. */

export type Kind = 'text' | 'html';
export const FROM = 'bench@envoi.test';
const TO = 'r@customer.test';

function textBody(): string {
  let s = '';
  for (let i = 1; s.length < 1024; i++) s += `Line ${String(i).padStart(2, '0')}: your order has shipped and is on its way to you.\n`;
  return s.slice(0, 1024);
}

function htmlBody(): string {
  let s = '<!doctype html><html><head><meta charset="utf-8"><title>Order</title></head><body style="font-family:sans-serif">\n<h1>Your order has shipped</h1>\n';
  for (let i = 1; s.length < 5000; i++) {
    s += `<p>Item ${i}: <b>Widget model ${i}</b> &mdash; quantity 1, price <i>EUR ${(i * 3.5).toFixed(2)}</i>. <a href="https://shop.example/items/${i}">View it</a>.</p>\n`;
  }
  return s + '</body></html>\n';
}

export const BODIES: Record<Kind, string> = { text: textBody(), html: htmlBody() };
const SUBJECT: Record<Kind, string> = { text: 'Bench: 1 KB text', html: 'Bench: 5 KB html' };
export const LABEL: Record<Kind, string> = { text: '1 KB text', html: '5 KB html' };

export function mailInput(kind: Kind): { to: string; subject: string; text?: string; html?: string } {
  return kind === 'text' ? { to: TO, subject: SUBJECT.text, text: BODIES.text } : { to: TO, subject: SUBJECT.html, html: BODIES.html };
}

/** The body of an execute request sending one such mail. */
export const executeBody = (kind: Kind) => Buffer.from(JSON.stringify({ input: mailInput(kind) }));
