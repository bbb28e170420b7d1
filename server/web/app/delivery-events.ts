// What happened to a delivery's recipients after "sent" (provider events, DSNs, complaint
// reports) as a timeline, and who was never sent to because of the suppression list or a sandbox.

import type { DeliveryDetail } from './api.js';
import { badge, h, time } from './dom.js';
import { t } from './i18n/index.js';

const KIND: Record<string, string> = { delivered: 'ok', bounced: 'fail', complained: 'fail' };
const eventName = (type: string): string => (type in KIND ? t(`event.${type as 'delivered' | 'bounced' | 'complained'}`) : type);

/** The "Recipient events" section of the delivery detail: a list, oldest first. */
export function eventsView(d: Pick<DeliveryDetail, 'events' | 'suppressed' | 'captured'>): HTMLElement {
  const events = d.events ?? [];
  return h(
    'section',
    { class: 'delivery-events', 'aria-label': t('events.title') },
    h('h3', {}, t('events.title')),
    d.suppressed?.length
      ? h('p', { class: 'suppressed' }, badge(t('events.suppressed'), 'warn'), ` ${t('events.suppressedText')} `, h('span', { class: 'suppressed-list' }, d.suppressed.join(', ')))
      : null,
    d.captured?.length
      ? h('p', { class: 'captured' }, badge(t('status.captured'), 'info'), ` ${t('events.capturedText')} `, h('span', { class: 'captured-list' }, d.captured.join(', ')))
      : null,
    events.length
      ? h(
          'ol',
          { class: 'timeline' },
          ...events.map((e) =>
            h(
              'li',
              { 'data-event': e.type },
              time(e.at),
              ' ',
              badge(e.bounce ? `${eventName(e.type)} (${e.bounce.type})` : eventName(e.type), KIND[e.type] ?? 'neutral'),
              ' ',
              h('code', {}, e.recipient),
              h('span', { class: 'small muted' }, ` ${t('events.via', { source: e.source })}`),
              e.bounce?.status || e.bounce?.diagnostic ? h('span', { class: 'small block' }, [e.bounce.status, e.bounce.diagnostic].filter(Boolean).join(' · ')) : null,
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('events.none')),
  );
}
