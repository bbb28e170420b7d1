import type { WarningTexts } from '../../i18n/warning-texts.js';

/** The English of what Mailgun's connection test warns about (the other languages: settings.i18n.json). */
export const MAILGUN_WARNINGS = {
  MAILGUN_SANDBOX: {
    code: 'MAILGUN_SANDBOX',
    message: '{domain} is a sandbox domain: Mailgun delivers only to its authorized recipients.',
    hint: 'Add your own domain under Mailgun → Sending → Domains to send to anyone.',
  },
  MAILGUN_DOMAIN_UNCHECKED: {
    code: 'MAILGUN_DOMAIN_UNCHECKED',
    message: 'The key is a domain Sending key, which may not read the domain: whether the domain is verified could not be checked.',
    hint: 'Check that {domain} is active under Mailgun → Sending → Domains, or test once with the Private API key (Account settings → API Security).',
  },
} as const satisfies WarningTexts;
