import type { Preset } from '../../presets.js';

/** Resend's email API and what its account needs. */
export const RESEND_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'resend',
    label: 'Resend (API)',
    provider: 'resend',
    settings: {},
    note: 'Create an API key in the Resend dashboard under API Keys: Full access lets the connection test check the sender\'s domain, Sending access only sends. The sender email must use a domain added and verified under Domains. The free plan sends 100 emails a day (3,000 a month); every plan allows 2 API requests a second per team.',
    suggestedRateLimit: { messages: 2, perSeconds: 1, reason: 'Resend accepts 2 API requests a second per team by default.' },
  },
] satisfies Preset[]);
