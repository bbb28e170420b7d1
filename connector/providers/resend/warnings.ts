import type { WarningTexts } from '../../i18n/warning-texts.js';

/** The English of what Resend's connection test warns about (the other languages: settings.i18n.json). */
export const RESEND_WARNINGS = {
  RESEND_DOMAIN_NOT_CHECKED: {
    code: 'DOMAIN_NOT_CHECKED',
    message: 'Resend would not list domains for this key (restricted_api_key), so {domain} could not be checked.',
    hint: 'Send a test email to prove the domain, or check it in the Resend dashboard under Domains.',
  },
  RESEND_DOMAIN_NOT_VERIFIED: {
    code: 'DOMAIN_NOT_VERIFIED',
    message: 'Resend shows {domain} as {status}: mail from {sender} is refused until the domain is verified.',
    hint: 'In the Resend dashboard, Domains: publish the DNS records shown for the domain and press Verify; it usually takes minutes, at most 72 hours.',
  },
} as const satisfies WarningTexts;
