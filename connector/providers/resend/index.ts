import type { Provider } from '../provider.js';
import { RESEND_PRESETS } from './presets.js';
import { ResendSender } from './resend.js';

/** Resend through its email API (design.md "Providers"): an API key, nothing else. */
export const resend: Provider = {
  key: 'resend',
  fields: [],
  secret: () => ({
    field: 'apiKey',
    name: 'API key',
    reuseRule: 'The stored API key is kept while the connection stays a Resend connection; it is only ever sent to the operator\'s Resend endpoint.',
    whyRequired: 'Resend connections authenticate with it',
  }),
  labels: {},
  // Resend takes the recipients from its to, cc and bcc fields, not from the MIME headers.
  keepsBcc: false,
  // Resend builds the message from the JSON and signs it with the verified domain's DKIM key.
  signsWithEnvoiDkim: false,
  presets: RESEND_PRESETS,
  normalize: async (picked) => ({ settings: picked, warnings: [] }),
  needsSecret: () => true,
  // The key goes only to the operator's endpoint (ENVOI_RESEND_URL): no setting can redirect it.
  binding: () => [],
  legacyBinding: () => JSON.stringify([]),
  warnings: () => [],
  connect(runtime) {
    const p = new ResendSender(runtime);
    return {
      preflight: async () => {},
      test: (conn) => p.test(conn),
      send: (conn, message) => p.send(conn, message),
      evict: () => {},
      close: () => {},
    };
  },
};
