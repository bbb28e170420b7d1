import type { ConnectionSettings } from '../../store/connections.js';
import { apiProvider } from '../http/api-provider.js';
import type { Provider } from '../provider.js';
import { sesInbound } from './events.js';
import { SES_PRESETS } from './presets.js';
import { SesProvider } from './ses.js';
import { SES_WARNINGS } from './warnings.js';

export const SES_FIELDS = ['region', 'accessKeyId', 'configurationSet'] as const;

/** The secret is bound to where it is sent and whose it is (region names are lower case and key ids upper case, by the schema). */
const sesBinding = (s: ConnectionSettings): Array<[string, string]> => [
  ['region', s.region ?? ''],
  ['accessKeyId', s.accessKeyId ?? ''],
];

/** Amazon SES v2 SendEmail with the raw MIME, signed with SigV4 by the official SDK. */
export const ses: Provider = apiProvider({
  key: 'ses',
  fields: SES_FIELDS,
  secret: {
    field: 'secretAccessKey',
    name: 'secret access key',
    reuseRule: 'A stored secret access key is only reused while the region and the access key id stay the same.',
    whyRequired: 'Amazon SES connections sign every request with it',
  },
  labels: { region: 'region', accessKeyId: 'access key id' },
  // SES reads the recipients from Destination (the envelope), never from the headers.
  keepsBcc: false,
  // The raw MIME goes out as written, so Envoi's signature stays valid beside SES's Easy DKIM one
  // (as long as it leaves out Message-ID and Date, which SES rewrites: "Manual DKIM signing in Amazon SES").
  signsWithEnvoiDkim: true,
  dkimSkipHeaders: ['Message-ID', 'Date'],
  // "Authenticating Email with SPF in Amazon SES" (with a custom MAIL FROM domain).
  spfInclude: { include: 'amazonses.com' },
  warningTexts: SES_WARNINGS,
  presets: SES_PRESETS,
  binding: sesBinding,
  inbound: sesInbound,
  driver: (runtime) => new SesProvider({ config: runtime.config, logger: runtime.logger }),
});
