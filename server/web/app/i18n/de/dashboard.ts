import type { Part } from '../types.js';
import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Part<typeof en> = {
  'deliveries.auto': 'Alle 10 s aktualisieren',
  'dashboard.title': 'Überblick',
  'dashboard.range': 'Zeitraum',
  'dashboard.range.7d': 'Letzte 7 Tage',
  'dashboard.range.24h': 'Letzte 24 Stunden',
  'dashboard.range.30d': 'Letzte 30 Tage',
  'dashboard.sent': 'Gesendet',
  'dashboard.failed': 'Fehlgeschlagen',
  'dashboard.bounced': 'Unzustellbar',
  'dashboard.complained': 'Beschwerden',
  'dashboard.queued': 'In der Warteschlange',
  'dashboard.captured': 'Abgefangen',
  'dashboard.chartLabel': 'Diagramm des Zeitraums: {sent} gesendet, {failed} fehlgeschlagen, {bounced} unzustellbar, {complained} Beschwerden',
  'dashboard.figures': 'Zahlen des Diagramms',
  'dashboard.period': 'Zeitraum',
  'search.recipient': 'Empfänger enthält',
  'search.subject': 'Betreff enthält',
  'search.since': 'Von (Datum)',
  'search.until': 'Bis (Datum)',
  'search.submit': 'Suchen',
  'timeline.title': 'Versuche und Ereignisse',
  'timeline.attempt': 'Versuch {number}',
  'timeline.through': 'über {connection}',
  'timeline.none': 'Noch kein Versuch und kein Ereignis.',
};
