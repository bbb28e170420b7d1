import type { Request, Response } from 'express';
import { LOCALES, pickLocale, type Locale } from '../connector/locales.js';

/**
 * The language of an answer's words for people, from the request's Accept-Language (RFC 9110
 * §12.5.4), English without one the server speaks. The answer says it (Content-Language) and that
 * it varies with the header, so a cache keeps one per language (§12.5.5).
 */
export function answerLocale(req: Request, res: Response): Locale {
  const locale = pickLocale(undefined, req.acceptsLanguages(...LOCALES));
  res.vary('Accept-Language').set('Content-Language', locale);
  return locale;
}
