import type { Preset } from '../../presets.js';

/**
 * Amazon SES through its v2 API. The suggested rate is the sandbox's (1 message a second, 200 a
 * day), which every new SES account starts in: a faster default would only be throttled until
 * production access is granted (usually 14 a second and more, per account and region); the
 * connection test shows the account's real maximum send rate and warns when the limit exceeds it.
 */
export const SES_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'amazon-ses-api',
    label: 'Amazon SES (API)',
    provider: 'ses',
    settings: { region: 'us-east-1' },
    note: 'Pick the region where your sender identity is verified (Amazon SES console → Configuration → Identities; verify the domain and publish its Easy DKIM records). In IAM → Users, create a user for Envoi with a policy allowing ses:SendRawEmail, ses:SendEmail and ses:GetAccount, then Security credentials → Create access key and paste the key id and secret. New accounts start in the sandbox: only verified recipients, 200 messages a day, 1 a second, until you request production access (Account dashboard).',
    suggestedRateLimit: { messages: 1, perSeconds: 1, reason: 'A new SES account is in the sandbox: 1 message a second and 200 a day. Raise it to the maximum send rate the connection test reports once production access is granted (14 a second or more).' },
  },
] satisfies Preset[]);
