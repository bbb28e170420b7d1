import type { Part } from '../types.js';
import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Part<typeof en> = {
  'deliveries.auto': 'Elke 10 s vernieuwen',
  'dashboard.title': 'Overzicht',
  'dashboard.range': 'Periode',
  'dashboard.range.7d': 'Laatste 7 dagen',
  'dashboard.range.24h': 'Laatste 24 uur',
  'dashboard.range.30d': 'Laatste 30 dagen',
  'dashboard.sent': 'Verzonden',
  'dashboard.failed': 'Mislukt',
  'dashboard.bounced': 'Gebounced',
  'dashboard.complained': 'Klachten',
  'dashboard.queued': 'In wachtrij',
  'dashboard.captured': 'Opgevangen',
  'dashboard.chartLabel': 'Grafiek van de periode: {sent} verzonden, {failed} mislukt, {bounced} gebounced, {complained} klachten',
  'dashboard.figures': 'Cijfers van de grafiek',
  'dashboard.period': 'Periode',
  'search.recipient': 'Ontvanger bevat',
  'search.subject': 'Onderwerp bevat',
  'search.since': 'Vanaf (datum)',
  'search.until': 'Tot en met (datum)',
  'search.submit': 'Zoeken',
  'timeline.title': 'Pogingen en gebeurtenissen',
  'timeline.attempt': 'Poging {number}',
  'timeline.through': 'via {connection}',
  'timeline.none': 'Nog geen poging of gebeurtenis.',
};
