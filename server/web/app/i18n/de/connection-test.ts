import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ Die Verbindung funktioniert",
  'test.outcomeFail': "✗ Fehlgeschlagen bei {stage}",
};
