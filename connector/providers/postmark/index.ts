import { apiProvider } from '../http/api-provider.js';
import type { Provider } from '../provider.js';
import { postmarkInbound } from './events.js';
import { DEFAULT_MESSAGE_STREAM, PostmarkSender } from './postmark.js';
import { POSTMARK_PRESETS } from './presets.js';

/** Postmark through its email API (design.md "Providers"): a server token and a message stream. */
export const postmark: Provider = apiProvider({
  key: 'postmark',
  fields: ['messageStream'],
  secret: {
    field: 'serverToken',
    name: 'server token',
    reuseRule: 'The stored server token is kept while the connection stays a Postmark connection; it is only ever sent to the operator\'s Postmark endpoint.',
    whyRequired: 'Postmark connections authenticate with it',
  },
  labels: {},
  // Postmark takes the recipients from its To, Cc and Bcc fields, not from the MIME headers.
  keepsBcc: false,
  // Postmark builds the message from the JSON and signs it with the domain's own DKIM key.
  signsWithEnvoiDkim: false,
  // Postmark's DKIM selector is dated (<yyyymmddhhmmss>pm), so only its SPF include is known.
  spfInclude: { include: 'spf.mtasv.net' },
  presets: POSTMARK_PRESETS,
  normalize: async (picked) => ({ settings: { ...picked, messageStream: picked.messageStream ?? DEFAULT_MESSAGE_STREAM }, warnings: [] }),
  inbound: postmarkInbound,
  driver: (runtime) => new PostmarkSender(runtime),
});
