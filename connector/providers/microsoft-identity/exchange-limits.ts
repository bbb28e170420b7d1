/**
 * Exchange Online's sending limit per mailbox: 30 messages a minute (Microsoft's "Exchange Online
 * limits", Sending limits). One fact, used by the Microsoft 365 provider's default and by the
 * presets of both ways into Exchange Online (SMTP and Graph).
 */
export const EXCHANGE_ONLINE_RATE_LIMIT = Object.freeze({ messages: 30, perSeconds: 60 });

/** The preset suggestion built on it, with the reason the form shows. */
export const EXCHANGE_ONLINE_SUGGESTED_LIMIT = Object.freeze({ ...EXCHANGE_ONLINE_RATE_LIMIT, reason: 'Exchange Online accepts 30 messages per minute per mailbox.' });
