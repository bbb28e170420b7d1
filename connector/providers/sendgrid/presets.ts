import type { Preset } from '../../presets.js';

/** SendGrid through its Web API (the SMTP relay has its own preset under smtp). */
export const SENDGRID_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'sendgrid-api',
    label: 'SendGrid (API)',
    provider: 'sendgrid',
    settings: {},
    note: 'In the SendGrid dashboard, Settings → API Keys → Create API Key: choose Restricted Access and give Mail Send full access (or Full Access). The key starts with "SG." and is shown once. The sender must be a verified Single Sender or on a domain authenticated under Settings → Sender Authentication.',
    suggestedRateLimit: { messages: 100, perSeconds: 86400, reason: 'SendGrid\'s free plan sends 100 emails a day; raise this to your plan\'s limit.' },
  },
] satisfies Preset[]);
