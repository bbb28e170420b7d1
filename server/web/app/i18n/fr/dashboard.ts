import type { Part } from '../types.js';
import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Part<typeof en> = {
  'deliveries.auto': 'Actualiser toutes les 10 s',
  'dashboard.title': 'Vue d’ensemble',
  'dashboard.range': 'Période',
  'dashboard.range.7d': '7 derniers jours',
  'dashboard.range.24h': 'Dernières 24 heures',
  'dashboard.range.30d': '30 derniers jours',
  'dashboard.sent': 'Envoyés',
  'dashboard.failed': 'Échoués',
  'dashboard.bounced': 'Rebonds',
  'dashboard.complained': 'Plaintes',
  'dashboard.queued': 'En file',
  'dashboard.captured': 'Capturés',
  'dashboard.chartLabel': 'Graphique de la période : {sent} envoyés, {failed} échoués, {bounced} rebonds, {complained} plaintes',
  'dashboard.figures': 'Chiffres du graphique',
  'dashboard.period': 'Période',
  'search.recipient': 'Le destinataire contient',
  'search.subject': "L’objet contient",
  'search.since': 'Du (date)',
  'search.until': 'Au (date)',
  'search.submit': 'Rechercher',
  'timeline.title': 'Tentatives et événements',
  'timeline.attempt': 'Tentative {number}',
  'timeline.through': 'via {connection}',
  'timeline.none': 'Aucune tentative ni aucun événement pour l’instant.',
};
