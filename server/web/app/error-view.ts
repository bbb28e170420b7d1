// An API refusal in the page's language (issue #17): the words of its code from the page's
// catalogue (i18n/<lang>/errors.ts) in sight; the server's own message, hint, code and field
// messages (English, written for developers) one click away under "Technical details".

import { ApiError, type ErrorDetail } from './api.js';
import { h } from './dom.js';
import { hasKey, language, t } from './i18n/index.js';
import { errorList } from './schema-form.js';

/**
 * What to say about `e`: the catalogue's title and hint for its code, a generic refusal for a
 * code the page does not know. Errors the page made itself (status 0: no answer, a form it could
 * not read) already speak the page's language and keep their words.
 */
export function errorWords(e: ApiError): { title: string; hint: string | null } {
  if (e.status === 0) return { title: e.message, hint: e.hint };
  const key = `errors.${e.code}`;
  const hint = `${key}.hint`;
  if (!hasKey(key) || !hasKey(hint)) return { title: t('errors.unknown'), hint: t('errors.unknown.hint') };
  // A template error says where it is (TEMPLATE_ERROR's line and column beside the message).
  const { line, column } = e.extra;
  if (e.code === 'TEMPLATE_ERROR' && typeof line === 'number' && typeof column === 'number') return { title: t('errors.TEMPLATE_ERROR.at', { line, column }), hint: t(hint) };
  return { title: t(key), hint: t(hint) };
}

/** Title and hint as one sentence, for an error text beside a field or a screen reader. */
export function errorSentence(err: unknown): string {
  const w = errorWords(asApiError(err));
  return w.hint ? `${w.title}. ${w.hint}` : w.title;
}

/**
 * The field details to show in the page's language: the field's path kept, the server's message
 * (English) replaced by a generic phrase in another language, since the API does not say which
 * rule failed; the message stays in the technical details. The page's own details, and the
 * server's for an English page, are already in the page's language.
 */
export function fieldWords(e: ApiError): ErrorDetail[] {
  if (e.status === 0 || language() === 'en') return e.details;
  return e.details.filter((d) => d.path && d.path !== '/').map((d) => ({ path: d.path, message: t('errors.field') }));
}

const asApiError = (err: unknown): ApiError => (err instanceof ApiError ? err : new ApiError(0, 'ERROR', (err as Error)?.message ?? String(err)));

/** The server's own words, collapsed: code, message, hint and every field detail as it sent them. */
function technicalDetails(e: ApiError): HTMLElement {
  return h(
    'details',
    { class: 'technical-details' },
    h('summary', {}, t('errors.technical')),
    h('p', {}, h('code', {}, e.code), ' ', e.message),
    e.hint ? h('p', {}, e.hint) : null,
    e.details.length ? errorList(e.details) : null,
  );
}

/**
 * An API error in a result box: title, what to do, the fields no form field took (`left`, already
 * in the page's language; else every field of the error) and the technical details.
 */
export function errorView(err: unknown, left?: ErrorDetail[]): HTMLElement {
  const e = asApiError(err);
  const words = errorWords(e);
  const fields = left ?? fieldWords(e);
  return h(
    'div',
    { class: 'result fail', 'data-code': e.code },
    h('p', { class: 'result-title' }, h('strong', {}, `✗ ${words.title}`)),
    words.hint ? h('p', { class: 'result-hint' }, h('strong', {}, t('common.whatToDo')), words.hint) : null,
    fields.length ? errorList(fields) : null,
    e.status !== 0 ? technicalDetails(e) : null,
  );
}
