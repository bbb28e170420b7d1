import type { Preset } from '../../presets.js';

const NOTE = 'Add and verify your domain under Mailgun → Sending → Domains (its DNS records). Use a Sending API key of the domain (Sending → Domain settings → Sending API keys) or the Private API key (Account settings → API Security). The region must be the one the domain was created in. A sandbox domain only delivers to its authorized recipients.';
const LIMIT = { messages: 100, perSeconds: 86400, reason: 'Mailgun\'s free plan sends 100 emails a day; paid plans count by month, so raise this to your plan.' };

/** Mailgun through its HTTP API, one per region (the SMTP relay has its own preset under smtp). */
export const MAILGUN_PRESETS: readonly Preset[] = Object.freeze([
  { id: 'mailgun-api', label: 'Mailgun (API, US)', provider: 'mailgun', settings: { region: 'us' }, note: NOTE, suggestedRateLimit: LIMIT },
  { id: 'mailgun-api-eu', label: 'Mailgun (API, EU)', provider: 'mailgun', settings: { region: 'eu' }, note: NOTE, suggestedRateLimit: LIMIT },
] satisfies Preset[]);
