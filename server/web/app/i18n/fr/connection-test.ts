import type { Part } from '../types.js';
import type { connectionTest as en } from '../en/connection-test.js';

export const connectionTest: Part<typeof en> = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ La connexion fonctionne",
  'test.outcomeFail': "✗ Échec à l’étape {stage}",
  'test.stage.dns': "Recherche du serveur…",
  'test.stage.connect': "Connexion…",
  'test.stage.tls': "Sécurisation de la connexion (TLS)…",
  'test.stage.auth': "Authentification…",
  'test.stage.send': "Envoi…",
};
