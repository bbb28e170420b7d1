import { EXCHANGE_ONLINE_RATE_LIMIT } from '../microsoft-identity/exchange-limits.js';
import type { ConnectionSettings } from '../../store/connections.js';
import type { Provider } from '../provider.js';
import { Microsoft365Provider } from './microsoft365.js';
import { MICROSOFT365_PRESETS } from './presets.js';

export const MICROSOFT365_FIELDS = ['tenantId', 'clientId'] as const;

/** The default rate limit of a Microsoft 365 connection: Exchange Online's per-mailbox limit. */
export const MICROSOFT365_RATE_LIMIT = EXCHANGE_ONLINE_RATE_LIMIT;

/** Microsoft 365 through Microsoft Graph sendMail (MIME), app-only OAuth2. */
export const microsoft365: Provider = {
  key: 'microsoft365',
  fields: MICROSOFT365_FIELDS,
  secret: () => ({
    field: 'clientSecret',
    name: 'client secret',
    reuseRule: 'A stored client secret is only reused while the tenant and client ids stay the same.',
    whyRequired: 'Microsoft 365 connections authenticate with it',
  }),
  labels: { tenantId: 'tenant id', clientId: 'client id' },
  // Exchange Online accepts 30 messages a minute per mailbox; start there (editable).
  createDefaults: { rateLimit: MICROSOFT365_RATE_LIMIT } as Partial<ConnectionSettings>,
  // Graph takes the recipients from the message itself, Bcc included.
  keepsBcc: true,
  // Exchange Online signs with the domain's own DKIM keys.
  signsWithEnvoiDkim: false,
  // Exchange Online: include:spf.protection.outlook.com; DKIM selectors selector1 and selector2.
  spfInclude: { include: 'spf.protection.outlook.com' },
  dkimSelectors: ['selector1', 'selector2'],
  presets: MICROSOFT365_PRESETS,
  normalize: async (picked) => ({ settings: picked, warnings: [] }),
  needsSecret: () => true,
  binding: (s) => [
    ['tenantId', (s.tenantId ?? '').toLowerCase()],
    ['clientId', (s.clientId ?? '').toLowerCase()],
  ],
  legacyBinding: (s) => `${(s.tenantId ?? '').toLowerCase()}|${(s.clientId ?? '').toLowerCase()}`,
  warnings: () => [],
  connect(runtime) {
    const p = new Microsoft365Provider(runtime);
    return {
      // Microsoft 365's endpoints come from the operator's environment, never from a connection.
      preflight: async () => {},
      test: (conn, onStage) => p.test(conn, onStage),
      async send(conn, message) {
        const info = await p.send(conn, message);
        // Graph takes the recipients from the message and reports none back: all were handed over.
        return { ...info, accepted: message.envelope.to };
      },
      evict: () => p.clear(),
      close: () => p.clear(),
    };
  },
};
