import { apiProvider } from '../http/api-provider.js';
import type { Provider } from '../provider.js';
import { GmailSender } from './gmail.js';
import { GOOGLE_PRESETS } from './presets.js';
import { serviceAccountKeyText } from './service-account.js';

/**
 * Google Workspace through the Gmail API, as a Workspace user, with a service account's key and
 * domain-wide delegation (design.md "Providers"). Its one setting is the write-only key; the user
 * it sends as is the connection's sender email.
 */
export const google: Provider = apiProvider({
  key: 'google',
  fields: [],
  secret: {
    field: 'serviceAccountKey',
    name: 'service account key',
    reuseRule: 'A stored service account key is only reused while the sender email stays the same.',
    whyRequired: 'Google Workspace connections sign in with it',
  },
  labels: { senderEmail: 'sender email' },
  // Gmail reads the recipients from the message's headers, Bcc included, and strips the Bcc header.
  keepsBcc: true,
  // Google signs with the domain's own DKIM key.
  signsWithEnvoiDkim: false,
  // Google Workspace: include:_spf.google.com; the DKIM key is published under `google`.
  spfInclude: { include: '_spf.google.com' },
  dkimSelectors: ['google'],
  presets: GOOGLE_PRESETS,
  readSecret: (given) => serviceAccountKeyText(given),
  // The key goes only to Google's token endpoint (from the operator's environment), but with
  // domain-wide delegation it may act as any user of the domain: it is bound to the user it was
  // entered for, so an edit cannot make it send as someone else without the key being entered again.
  binding: (s) => [['senderEmail', (s.senderEmail ?? '').toLowerCase()]],
  legacyBinding: (s) => (s.senderEmail ?? '').toLowerCase(),
  driver: (runtime) => new GmailSender({ tokenUrl: runtime.config.googleTokenUrl, apiUrl: runtime.config.gmailApiUrl, logger: runtime.logger }),
});
