import type { Part } from '../types.js';
import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Part<typeof en> = {
  'deliveries.auto': 'Обновлять каждые 10 с',
  'dashboard.title': 'Обзор',
  'dashboard.range': 'Период',
  'dashboard.range.7d': 'Последние 7 дней',
  'dashboard.range.24h': 'Последние 24 часа',
  'dashboard.range.30d': 'Последние 30 дней',
  'dashboard.sent': 'Отправлено',
  'dashboard.failed': 'Ошибки',
  'dashboard.bounced': 'Возвраты',
  'dashboard.complained': 'Жалобы',
  'dashboard.queued': 'В очереди',
  'dashboard.captured': 'Перехвачено',
  'dashboard.chartLabel': 'График за период: отправлено {sent}, ошибок {failed}, возвратов {bounced}, жалоб {complained}',
  'dashboard.figures': 'Данные графика',
  'dashboard.period': 'Период',
  'search.recipient': 'Получатель содержит',
  'search.subject': 'Тема содержит',
  'search.since': 'С (дата)',
  'search.until': 'По (дату)',
  'search.submit': 'Найти',
  'timeline.title': 'Попытки и события',
  'timeline.attempt': 'Попытка {number}',
  'timeline.through': 'через {connection}',
  'timeline.none': 'Пока нет ни попыток, ни событий.',
};
