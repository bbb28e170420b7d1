import { apiProvider } from '../http/api-provider.js';
import type { Provider } from '../provider.js';
import { checkPublicKey, sendgridInbound } from './events.js';
import { SENDGRID_PRESETS } from './presets.js';
import { SendGridDriver } from './sendgrid.js';

/** SendGrid through its Web API v3 (design.md "Providers"): an API key, nothing else. */
export const sendgrid: Provider = apiProvider({
  key: 'sendgrid',
  fields: ['eventWebhookPublicKey'],
  secret: {
    field: 'apiKey',
    name: 'API key',
    reuseRule: 'A stored SendGrid API key is only sent to SendGrid\'s API, whose address comes from the operator\'s environment, so it is kept while the connection\'s other settings change.',
    whyRequired: 'SendGrid connections authenticate with it',
  },
  labels: { eventWebhookPublicKey: 'event webhook public key' },
  // SendGrid reads the recipients from the JSON body, never from MIME headers.
  keepsBcc: false,
  // SendGrid builds the MIME itself and signs it with the account's (or its own) DKIM key.
  signsWithEnvoiDkim: false,
  // Domain authentication publishes s1/s2 (CNAMEs to SendGrid's keys) and include:sendgrid.net.
  spfInclude: { include: 'sendgrid.net' },
  dkimSelectors: ['s1', 's2'],
  presets: SENDGRID_PRESETS,
  normalize: async (picked) => {
    if (picked.eventWebhookPublicKey) checkPublicKey(picked.eventWebhookPublicKey);
    return { settings: picked, warnings: [] };
  },
  inbound: sendgridInbound,
  driver: (runtime) => new SendGridDriver(runtime),
});
