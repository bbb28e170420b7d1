import { EXCHANGE_ONLINE_SUGGESTED_LIMIT } from '../microsoft-identity/exchange-limits.js';
import type { Preset } from '../../presets.js';

/** The Graph connection and what its app registration needs. */
export const MICROSOFT365_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'microsoft365',
    label: 'Microsoft 365 (Graph, OAuth2)',
    provider: 'microsoft365',
    settings: {},
    note: 'Register an app in Microsoft Entra ID, add the Microsoft Graph application permission Mail.Send, grant admin consent, and create a client secret. The sender must be the mailbox\'s user principal name; restrict the app to that mailbox with an application access policy.',
    suggestedRateLimit: EXCHANGE_ONLINE_SUGGESTED_LIMIT,
  },
] satisfies Preset[]);
