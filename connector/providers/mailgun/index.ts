import type { ConnectionSettings } from '../../store/connections.js';
import { apiProvider } from '../http/api-provider.js';
import type { Provider } from '../provider.js';
import { mailgunInbound } from './events.js';
import { MailgunDriver } from './mailgun.js';
import { MAILGUN_PRESETS } from './presets.js';
import { MAILGUN_WARNINGS } from './warnings.js';

/** The region of a connection that names none: Mailgun's US API. */
const regionOf = (s: Partial<ConnectionSettings>) => (s.region === 'eu' ? 'eu' : 'us');

/** Mailgun through its HTTP API, the outbox's MIME as is (design.md "Providers"). */
export const mailgun: Provider = apiProvider({
  key: 'mailgun',
  fields: ['domain', 'region'],
  secret: {
    field: 'apiKey',
    name: 'API key',
    reuseRule: 'A stored Mailgun API key is only reused while the domain and the region stay the same.',
    whyRequired: 'Mailgun connections authenticate with it',
  },
  labels: { domain: 'sending domain', region: 'region' },
  createDefaults: { region: 'us' } as Partial<ConnectionSettings>,
  // Mailgun takes the recipients from the `to` field; Bcc stays out of the headers.
  keepsBcc: false,
  // messages.mime sends the MIME as written, so Envoi's signature holds beside the one Mailgun
  // adds with the domain's own key (Sending → Domains → DNS records).
  signsWithEnvoiDkim: true,
  spfInclude: { include: 'mailgun.org' },
  warningTexts: MAILGUN_WARNINGS,
  presets: MAILGUN_PRESETS,
  // Domain names are case-insensitive (RFC 4343): one spelling, so the secret's binding is stable.
  normalize: async (picked) => ({ settings: { ...picked, ...(picked.domain ? { domain: picked.domain.toLowerCase() } : {}), region: regionOf(picked) }, warnings: [] }),
  binding: (s) => [
    ['domain', (s.domain ?? '').toLowerCase()],
    ['region', regionOf(s)],
  ],
  // Checks Mailgun's webhooks (events.ts); optional: without it the connection only sends.
  extraSecrets: [{ field: 'webhookSigningKey', path: ['webhookSigningKey'], name: 'webhook signing key', applies: () => true, required: () => false, binding: () => [] }],
  inbound: mailgunInbound,
  driver: (runtime) => new MailgunDriver(runtime),
});
