import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} с",
  'test.outcomeOk': "✓ Подключение работает",
  'test.outcomeFail': "✗ Ошибка на этапе {stage}",
  'test.stage.dns': "Поиск сервера…",
  'test.stage.connect': "Подключение…",
  'test.stage.tls': "Защита соединения (TLS)…",
  'test.stage.auth': "Выполняется вход…",
  'test.stage.send': "Отправка…",
};
