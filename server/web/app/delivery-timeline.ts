// A delivery's history as ONE timeline, oldest first: each attempt (with the connection it went
// through and the server's reply) and what happened to the recipients after "sent" (provider
// events, DSNs, complaint reports); and who was never sent to (suppression list, sandbox).

import type { DeliveryDetail } from './api.js';
import { badge, h, time } from './dom.js';
import { t } from './i18n/index.js';

const KIND: Record<string, string> = { delivered: 'ok', bounced: 'fail', complained: 'fail' };
const eventName = (type: string): string => (type in KIND ? t(`event.${type as 'delivered' | 'bounced' | 'complained'}`) : type);

type Attempt = DeliveryDetail['attemptLog'][number];
type Event = DeliveryDetail['events'][number];

function attemptItem(a: Attempt, statusBadge: (s: string) => HTMLElement): HTMLElement {
  return h(
    'li',
    { 'data-attempt': a.number },
    time(a.startedAt),
    ' ',
    h('strong', {}, t('timeline.attempt', { number: a.number })),
    ' ',
    statusBadge(a.outcome),
    a.code ? h('code', { class: 'small' }, ` ${a.code}`) : null,
    h('span', { class: 'small muted' }, ` ${t('timeline.through', { connection: a.connection?.name ?? '—' })}`),
    a.durationMs === null ? null : h('span', { class: 'small muted' }, ` · ${t('common.ms', { ms: String(a.durationMs) })}`),
    a.reply ? h('code', { class: 'reply block' }, a.reply) : null,
    a.message && !(a.reply && a.message.includes(a.reply)) ? h('span', { class: 'small block' }, a.message) : null,
    a.hint ? h('span', { class: 'small block' }, a.hint) : null,
  );
}

function eventItem(e: Event): HTMLElement {
  return h(
    'li',
    { 'data-event': e.type },
    time(e.at),
    ' ',
    badge(e.bounce ? `${eventName(e.type)} (${e.bounce.type})` : eventName(e.type), KIND[e.type] ?? 'neutral'),
    ' ',
    h('code', {}, e.recipient),
    h('span', { class: 'small muted' }, ` ${t('events.via', { source: e.source })}`),
    e.bounce?.status || e.bounce?.diagnostic ? h('span', { class: 'small block' }, [e.bounce.status, e.bounce.diagnostic].filter(Boolean).join(' · ')) : null,
  );
}

/** The "Attempts and events" section of the delivery detail. */
export function timelineView(d: Pick<DeliveryDetail, 'attemptLog' | 'events' | 'suppressed' | 'captured'>, statusBadge: (s: string) => HTMLElement): HTMLElement {
  const items: Array<{ at: string; order: number; el: HTMLElement }> = [
    ...(d.attemptLog ?? []).map((a) => ({ at: a.startedAt, order: 0, el: attemptItem(a, statusBadge) })),
    ...(d.events ?? []).map((e) => ({ at: e.at, order: 1, el: eventItem(e) })),
  ];
  items.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.order - y.order));
  return h(
    'section',
    { class: 'delivery-events', 'aria-label': t('timeline.title') },
    h('h3', {}, t('timeline.title')),
    d.suppressed?.length
      ? h('p', { class: 'suppressed' }, badge(t('events.suppressed'), 'warn'), ` ${t('events.suppressedText')} `, h('span', { class: 'suppressed-list' }, d.suppressed.join(', ')))
      : null,
    d.captured?.length
      ? h('p', { class: 'captured' }, badge(t('status.captured'), 'info'), ` ${t('events.capturedText')} `, h('span', { class: 'captured-list' }, d.captured.join(', ')))
      : null,
    items.length ? h('ol', { class: 'timeline' }, ...items.map((i) => i.el)) : h('p', { class: 'muted' }, t('timeline.none')),
  );
}
