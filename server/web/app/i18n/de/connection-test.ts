import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ Die Verbindung funktioniert",
  'test.outcomeFail': "✗ Fehlgeschlagen bei {stage}",
  'test.stage.dns': "Server wird gesucht…",
  'test.stage.connect': "Verbindung wird aufgebaut…",
  'test.stage.tls': "Verbindung wird gesichert (TLS)…",
  'test.stage.auth': "Anmeldung läuft…",
  'test.stage.send': "Wird gesendet…",
};
