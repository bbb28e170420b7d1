import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ De verbinding werkt",
  'test.outcomeFail': "✗ Mislukt bij {stage}",
  'test.stage.dns': "Server opzoeken…",
  'test.stage.connect': "Verbinden…",
  'test.stage.tls': "Verbinding beveiligen (TLS)…",
  'test.stage.auth': "Aanmelden…",
  'test.stage.send': "Verzenden…",
};
