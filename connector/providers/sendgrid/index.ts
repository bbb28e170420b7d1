import type { Provider } from '../provider.js';
import { SENDGRID_PRESETS } from './presets.js';
import { SendGridDriver } from './sendgrid.js';

/** SendGrid through its Web API v3 (design.md "Providers"): an API key, nothing else. */
export const sendgrid: Provider = {
  key: 'sendgrid',
  fields: [],
  secret: () => ({
    field: 'apiKey',
    name: 'API key',
    reuseRule: 'A stored SendGrid API key is only sent to SendGrid\'s API, whose address comes from the operator\'s environment, so it is kept while the connection\'s other settings change.',
    whyRequired: 'SendGrid connections authenticate with it',
  }),
  labels: {},
  // SendGrid reads the recipients from the JSON body, never from MIME headers.
  keepsBcc: false,
  // SendGrid builds the MIME itself and signs it with the account's (or its own) DKIM key.
  signsWithEnvoiDkim: false,
  presets: SENDGRID_PRESETS,
  normalize: async (picked) => ({ settings: picked, warnings: [] }),
  needsSecret: () => true,
  // The key is bound to nothing but the provider: its only destination is the operator's endpoint.
  binding: () => [],
  legacyBinding: () => JSON.stringify([]),
  warnings: () => [],
  connect(runtime) {
    const d = new SendGridDriver(runtime);
    return {
      preflight: async () => {},
      test: (conn) => d.test(conn),
      send: (conn, message) => d.send(conn, message),
      evict: () => {},
      close: () => {},
    };
  },
};
