import type { Part } from '../types.js';
import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Part<typeof en> = {
  'deliveries.auto': 'Atualizar a cada 10 s',
  'dashboard.title': 'Visão geral',
  'dashboard.range': 'Período',
  'dashboard.range.7d': 'Últimos 7 dias',
  'dashboard.range.24h': 'Últimas 24 horas',
  'dashboard.range.30d': 'Últimos 30 dias',
  'dashboard.sent': 'Enviados',
  'dashboard.failed': 'Falhados',
  'dashboard.bounced': 'Devolvidos',
  'dashboard.complained': 'Queixas',
  'dashboard.queued': 'Em fila',
  'dashboard.captured': 'Capturados',
  'dashboard.chartLabel': 'Gráfico do período: {sent} enviados, {failed} falhados, {bounced} devolvidos, {complained} queixas',
  'dashboard.figures': 'Valores do gráfico',
  'dashboard.period': 'Período',
  'search.recipient': 'Destinatário contém',
  'search.subject': 'Assunto contém',
  'search.since': 'De (data)',
  'search.until': 'Até (data)',
  'search.submit': 'Pesquisar',
  'timeline.title': 'Tentativas e eventos',
  'timeline.attempt': 'Tentativa {number}',
  'timeline.through': 'através de {connection}',
  'timeline.none': 'Ainda sem tentativas nem eventos.',
};
