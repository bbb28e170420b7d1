import { apiProvider } from '../http/api-provider.js';
import type { Provider } from '../provider.js';
import { resendInbound } from './events.js';
import { RESEND_PRESETS } from './presets.js';
import { ResendSender } from './resend.js';
import { RESEND_WARNINGS } from './warnings.js';

/** Resend through its email API (design.md "Providers"): an API key, nothing else. */
export const resend: Provider = apiProvider({
  key: 'resend',
  fields: [],
  secret: {
    field: 'apiKey',
    name: 'API key',
    reuseRule: 'The stored API key is kept while the connection stays a Resend connection; it is only ever sent to the operator\'s Resend endpoint.',
    whyRequired: 'Resend connections authenticate with it',
  },
  labels: {},
  // Resend takes the recipients from its to, cc and bcc fields, not from the MIME headers.
  keepsBcc: false,
  // Resend builds the message from the JSON and signs it with the verified domain's DKIM key.
  signsWithEnvoiDkim: false,
  // Resend sends through Amazon SES from the `send.` subdomain and signs with `resend._domainkey`.
  spfInclude: { include: 'amazonses.com', subdomain: 'send' },
  dkimSelectors: ['resend'],
  warningTexts: RESEND_WARNINGS,
  presets: RESEND_PRESETS,
  // Checks Resend's webhooks (events.ts); optional: without it the connection only sends.
  extraSecrets: [{ field: 'webhookSecret', path: ['webhookSecret'], name: 'webhook secret', applies: () => true, required: () => false, binding: () => [] }],
  inbound: resendInbound,
  driver: (runtime) => new ResendSender(runtime),
});
