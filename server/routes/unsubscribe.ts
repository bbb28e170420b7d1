import { Router, type Request, type Response } from 'express';
import { EnvoiError } from '../../connector/errors.js';
import type { Envoi } from '../../lib/envoi.js';

/**
 * One-click unsubscribe (RFC 8058), outside the API: no key, the signed token is the authority.
 * A POST unsubscribes: a mail system sends `List-Unsubscribe=One-Click` there when the person
 * presses its button, and the page's own button posts the same form. A GET never does (§3.2:
 * link scanners and previews fetch every URL of a mail), it only shows that button.
 */
export function unsubscribeRoutes(envoi: Envoi): Router {
  const r = Router();
  r.get('/:token', (req, res) => {
    try {
      const { email } = envoi.suppressions.readToken(String(req.params.token));
      page(res, 200, 'Unsubscribe', `<p>Stop mail to <strong>${escape(email)}</strong>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`);
    } catch (err) {
      invalid(res, err);
    }
  });
  // The body is not needed: the token names the recipient, and a POST is what makes it an unsubscribe.
  r.post('/:token', async (req, res, next) => {
    try {
      const { email } = await envoi.suppressions.unsubscribe(String(req.params.token));
      if (wantsHtml(req)) page(res, 200, 'Unsubscribed', `<p><strong>${escape(email)}</strong> will get no more mail from this sender.</p>`);
      else res.status(200).json({ unsubscribed: true });
    } catch (err) {
      if (err instanceof EnvoiError && err.code === 'UNSUBSCRIBE_LINK_INVALID' && wantsHtml(req)) invalid(res, err);
      else next(err);
    }
  });
  return r;
}

/** A person's browser (the page's button) gets a page back; a mail system's POST gets JSON. */
const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function invalid(res: Response, err: unknown): void {
  if (!(err instanceof EnvoiError) || err.code !== 'UNSUBSCRIBE_LINK_INVALID') throw err;
  page(res, err.status, 'Link not valid', `<p>${escape(err.message)}.</p><p>${escape(err.hint ?? '')}</p>`);
}

function page(res: Response, status: number, title: string, body: string): void {
  // Nothing to load from anywhere; the form posts back to this same URL.
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1.25rem}</style></head>
<body><h1>${title}</h1>${body}</body></html>`);
}
