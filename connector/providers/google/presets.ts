import type { Preset } from '../../presets.js';

/** The Gmail API connection and what the Workspace domain and Cloud project need. */
export const GOOGLE_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'google-workspace',
    label: 'Google Workspace (Gmail API)',
    provider: 'google',
    settings: {},
    note: 'In the Google Cloud console: enable the Gmail API, create a service account and add a JSON key (IAM & Admin → Service accounts → Keys → Add key → JSON); paste the whole file. In the Google Admin console: Security → Access and data control → API controls → Domain-wide delegation → Add new, with the service account\'s client ID and the scope https://www.googleapis.com/auth/gmail.send. The sender email must be a Workspace user (the mail goes out from its mailbox and shows in its Sent folder). Gmail sends about 2,000 messages a day per user.',
    suggestedRateLimit: { messages: 2000, perSeconds: 86400, reason: 'Google Workspace sends about 2,000 messages a day per user (Gmail sending limits).' },
  },
] satisfies Preset[]);
