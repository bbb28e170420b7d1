// The Deliveries tab's dashboard: the counts of GET …/deliveries/stats over a chosen range as
// numbers and as an inline SVG bar chart (no library), with the figures in a table for screen
// readers (WCAG 1.1.1: the chart is role=img with its totals in aria-label).

import type { Counts, DeliveryStats } from '../../../connector/store/delivery-stats.js';
import { api, scoped } from './api.js';
import { errorView } from './error-view.js';
import { h, fill, uid } from './dom.js';
import { dateTime, number, t } from './i18n/index.js';
import { state } from './state.js';

/** What the chart draws (queued and captured are counted in the totals only). */
const SERIES = ['sent', 'failed', 'bounced', 'complained'] as const;
const RANGES = ['7d', '24h', '30d'] as const;
type Range = (typeof RANGES)[number];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The stats query of a range: days by day (from the start of a UTC day), the last 24 hours by hour (from the start of an hour). */
export function rangeQuery(range: Range, now = Date.now()): URLSearchParams {
  if (range === '24h') return new URLSearchParams({ bucket: 'hour', since: new Date(Math.floor(now / HOUR) * HOUR - 23 * HOUR).toISOString() });
  const days = range === '7d' ? 7 : 30;
  const today = Date.parse(new Date(now).toISOString().slice(0, 10));
  return new URLSearchParams({ bucket: 'day', since: new Date(today - (days - 1) * DAY).toISOString() });
}

const seriesName = (s: keyof Counts): string => t(`dashboard.${s}`);

function chart(stats: DeliveryStats): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  const el = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const W = 640, H = 160, PAD = 4;
  const n = Math.max(stats.buckets.length, 1);
  const max = Math.max(1, ...stats.buckets.flatMap((b) => SERIES.map((s) => b[s])));
  const slot = (W - PAD * 2) / n;
  const bar = Math.max(1, (slot - 2) / SERIES.length);
  const label = t('dashboard.chartLabel', Object.fromEntries(SERIES.map((s) => [s, number(stats.totals[s])])));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'stats-chart', preserveAspectRatio: 'none' });
  stats.buckets.forEach((b, i) =>
    SERIES.forEach((s, j) => {
      const height = (b[s] / max) * (H - PAD * 2);
      if (height > 0) svg.append(el('rect', { x: PAD + i * slot + 1 + j * bar, y: H - PAD - height, width: bar, height, class: `bar-${s}`, 'data-series': s }));
    }),
  );
  return svg;
}

/** The buckets as a table: the chart's alternative, read by screen readers (visually hidden). */
function figures(stats: DeliveryStats): HTMLElement {
  const when = (iso: string) => dateTime(new Date(iso), stats.bucket === 'hour' ? { timeStyle: 'short' } : { dateStyle: 'medium' });
  // Hidden through a wrapper: a table ignores overflow, so a 1 px table still lays out its full width.
  return h('div', { class: 'visually-hidden' }, h(
    'table',
    {},
    h('caption', {}, t('dashboard.figures')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dashboard.period')), ...SERIES.map((s) => h('th', { scope: 'col' }, seriesName(s))))),
    h('tbody', {}, ...stats.buckets.map((b) => h('tr', {}, h('th', { scope: 'row' }, when(b.start)), ...SERIES.map((s) => h('td', {}, number(b[s])))))),
  ));
}

/** The dashboard: its panel and `load()` to (re)draw it for the current scope and range. */
export function deliveryDashboard(): { panel: HTMLElement; load(): Promise<void> } {
  const rangeId = uid('stats-range');
  const range = h('select', { id: rangeId }, ...RANGES.map((r) => h('option', { value: r }, t(`dashboard.range.${r}`))));
  const body = h('div', { class: 'stats-body' });
  const panel = h('section', { class: 'card stats', 'aria-labelledby': `${rangeId}-h` },
    h('div', { class: 'toolbar' }, h('h3', { id: `${rangeId}-h` }, t('dashboard.title')), h('div', { class: 'spacer' }), h('label', { for: rangeId, class: 'inline' }, t('dashboard.range')), range),
    body,
  );
  let generation = 0;
  async function load(): Promise<void> {
    const mine = ++generation;
    try {
      const stats = await api<DeliveryStats>('GET', scoped(state.scope, `deliveries/stats?${rangeQuery(range.value as Range)}`));
      if (mine !== generation) return;
      const totals = h('dl', { class: 'stats-totals' }, ...(['sent', 'failed', 'bounced', 'complained', 'queued', 'captured'] as const).map((s) =>
        h('div', { 'data-total': s }, h('dt', {}, h('span', { class: `swatch bar-${s}`, 'aria-hidden': 'true' }), seriesName(s)), h('dd', {}, number(stats.totals[s]))),
      ));
      fill(body, totals, chart(stats), figures(stats));
    } catch (e) {
      if (mine === generation) fill(body, errorView(e));
    }
  }
  range.addEventListener('change', () => void load());
  return { panel, load };
}
