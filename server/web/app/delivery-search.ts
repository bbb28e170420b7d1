// The Deliveries tab's search form: recipient, subject, status, event and a date range, as the
// query of GET …/deliveries (README, "HTTP API").

import { h, uid } from './dom.js';
import { t } from './i18n/index.js';

export const STATUSES = ['queued', 'sending', 'sent', 'retrying', 'failed', 'unknown', 'captured'] as const;
/** Recipient events `?event=` filters on. */
const EVENTS = ['delivered', 'bounced', 'complained'] as const;

/** A labelled field of the form. */
function field(label: string, control: HTMLInputElement | HTMLSelectElement): HTMLElement {
  control.id = uid('dsearch');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

/**
 * The form and the query it stands for. Dates are whole days in the admin's time zone: "until"
 * includes its day.
 */
export function deliverySearch(statusName: (s: string) => string, search: () => void): { form: HTMLFormElement; query(): URLSearchParams } {
  const recipient = h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false' });
  const subject = h('input', { type: 'search', autocomplete: 'off' });
  const status = h('select', {}, h('option', { value: '' }, t('deliveries.all')), ...STATUSES.map((s) => h('option', { value: s }, statusName(s))));
  const event = h('select', {}, h('option', { value: '' }, t('deliveries.any')), ...EVENTS.map((e) => h('option', { value: e }, t(`event.${e}`))));
  const since = h('input', { type: 'date' });
  const until = h('input', { type: 'date' });
  const form = h(
    'form',
    { class: 'card inline-form delivery-search', role: 'search', novalidate: true },
    field(t('search.recipient'), recipient),
    field(t('search.subject'), subject),
    field(t('deliveries.col.status'), status),
    field(t('deliveries.event'), event),
    field(t('search.since'), since),
    field(t('search.until'), until),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('search.submit'))),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search();
  });
  for (const s of [status, event, since, until]) s.addEventListener('change', () => search());
  const day = (value: string, plus = 0) => new Date(new Date(`${value}T00:00:00`).getTime() + plus).toISOString();
  return {
    form,
    query() {
      const q = new URLSearchParams();
      if (recipient.value.trim()) q.set('recipient', recipient.value.trim());
      if (subject.value.trim()) q.set('subject', subject.value.trim());
      if (status.value) q.set('status', status.value);
      if (event.value) q.set('event', event.value);
      if (since.value) q.set('since', day(since.value));
      if (until.value) q.set('until', day(until.value, 86_400_000));
      return q;
    },
  };
}
