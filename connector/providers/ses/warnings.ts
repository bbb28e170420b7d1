import type { WarningTexts } from '../../i18n/warning-texts.js';

/** The English of what the Amazon SES connection test warns about (the other languages: settings.i18n.json). */
export const SES_WARNINGS = {
  SES_SANDBOX: {
    code: 'SES_SANDBOX',
    message: 'This Amazon SES account is in the sandbox in {region}: only verified addresses and domains get mail, at most {perDay} messages a day and {perSecond} a second.',
    hint: 'In the Amazon SES console ({region}), Account dashboard → Request production access; until then, verify each recipient under Configuration → Identities.',
  },
  SES_PROBATION: {
    code: 'SES_PROBATION',
    message: 'Amazon SES has put this account on probation (its bounce or complaint rate is too high): sending may be paused if it does not improve.',
    hint: 'In the Amazon SES console ({region}), Reputation metrics: see what SES found and clean the recipient lists.',
  },
  SES_RATE_ABOVE_QUOTA: {
    code: 'SES_RATE_ABOVE_QUOTA',
    message: 'This connection\'s rate limit ({messages} per {perSeconds} s) is above SES\'s maximum send rate for the account ({maxRate} a second): SES will throttle the excess.',
    hint: 'Lower the connection\'s rate limit to {maxRate} messages per second, or request a higher sending rate in the Amazon SES console.',
  },
} as const satisfies WarningTexts;
