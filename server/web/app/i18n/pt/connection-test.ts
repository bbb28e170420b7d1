import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ A ligação funciona",
  'test.outcomeFail': "✗ Falhou na etapa {stage}",
  'test.stage.dns': "A procurar o servidor…",
  'test.stage.connect': "A ligar…",
  'test.stage.tls': "A proteger a ligação (TLS)…",
  'test.stage.auth': "A autenticar…",
  'test.stage.send': "A enviar…",
};
