import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} с",
  'test.outcomeOk': "✓ Подключение работает",
  'test.outcomeFail': "✗ Ошибка на этапе {stage}",
};
