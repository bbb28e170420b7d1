import type { ConnectionSettings } from '../../store/connections.js';
import type { Provider } from '../provider.js';
import { SES_PRESETS } from './presets.js';
import { SesProvider } from './ses.js';

export const SES_FIELDS = ['region', 'accessKeyId', 'configurationSet'] as const;

/** The secret is bound to where it is sent and whose it is (region names are lower case and key ids upper case, by the schema). */
const sesBinding = (s: ConnectionSettings): Array<[string, string]> => [
  ['region', s.region ?? ''],
  ['accessKeyId', s.accessKeyId ?? ''],
];

/** Amazon SES v2 SendEmail with the raw MIME, signed with SigV4 by the official SDK. */
export const ses: Provider = {
  key: 'ses',
  fields: SES_FIELDS,
  secret: () => ({
    field: 'secretAccessKey',
    name: 'secret access key',
    reuseRule: 'A stored secret access key is only reused while the region and the access key id stay the same.',
    whyRequired: 'Amazon SES connections sign every request with it',
  }),
  labels: { region: 'region', accessKeyId: 'access key id' },
  // SES reads the recipients from Destination (the envelope), never from the headers.
  keepsBcc: false,
  // The raw MIME goes out as written, so Envoi's signature stays valid beside SES's Easy DKIM one
  // (as long as it leaves out Message-ID and Date, which SES rewrites: "Manual DKIM signing in Amazon SES").
  signsWithEnvoiDkim: true,
  presets: SES_PRESETS,
  normalize: async (picked) => ({ settings: picked, warnings: [] }),
  needsSecret: () => true,
  binding: sesBinding,
  // No secret of this provider was sealed before bindings were versioned.
  legacyBinding: (s) => JSON.stringify(sesBinding(s)),
  warnings: () => [],
  connect(runtime) {
    const p = new SesProvider({ config: runtime.config, logger: runtime.logger });
    return {
      // SES's endpoint comes from the operator's environment, never from a connection.
      preflight: async () => {},
      test: (conn) => p.test(conn),
      send: (conn, message) => p.send(conn, message),
      evict: (id) => p.evict(id),
      close: () => p.evict(),
    };
  },
};
