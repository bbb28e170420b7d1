// What happened to a delivery's recipients after "sent" (provider events, DSNs, complaint
// reports) as a timeline, and who was never sent to because of the suppression list.

import type { DeliveryDetail } from './api.js';
import { badge, h, time } from './dom.js';

const KIND: Record<string, string> = { delivered: 'ok', bounced: 'fail', complained: 'fail' };

/** The "Recipient events" section of the delivery detail: a list, oldest first. */
export function eventsView(d: Pick<DeliveryDetail, 'events' | 'suppressed'>): HTMLElement {
  const events = d.events ?? [];
  return h(
    'section',
    { class: 'delivery-events', 'aria-label': 'Recipient events' },
    h('h3', {}, 'Recipient events'),
    d.suppressed?.length
      ? h('p', { class: 'suppressed' }, badge('suppressed', 'warn'), ' Not sent to (on the suppression list): ', h('span', { class: 'suppressed-list' }, d.suppressed.join(', ')))
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
              badge(e.bounce ? `${e.type} (${e.bounce.type})` : e.type, KIND[e.type] ?? 'neutral'),
              ' ',
              h('code', {}, e.recipient),
              h('span', { class: 'small muted' }, ` via ${e.source}`),
              e.bounce?.status || e.bounce?.diagnostic ? h('span', { class: 'small block' }, [e.bounce.status, e.bounce.diagnostic].filter(Boolean).join(' · ')) : null,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No event from the recipients\' servers yet.'),
  );
}
